using DeepSeek.Dapr.Chat;
using DeepSeek.Dapr.Chat.Apis;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChat();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContextApi();
app.Run();

public partial class Program;
