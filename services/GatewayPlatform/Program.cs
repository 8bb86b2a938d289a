using DeepSeek.Dapr.GatewayPlatform;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayPlatform();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGatewayPlatformApi();
app.Run();

public partial class Program;
