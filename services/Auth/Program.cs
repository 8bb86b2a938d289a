using DeepSeek.Dapr.Auth;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAuth();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuth();
app.Run();

public partial class Program;
