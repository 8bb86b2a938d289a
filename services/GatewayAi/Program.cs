using DeepSeek.Dapr.GatewayAi;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayAi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGatewayAiApi();
app.Run();

public partial class Program;
