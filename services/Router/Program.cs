using DeepSeek.Dapr.Router;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRouter();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRouter();
app.Run();

public partial class Program;
