using DeepSeek.Dapr.Monitoring;
using DeepSeek.Dapr.Monitoring.Apis;
using DeepSeek.Dapr.Monitoring.Events;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMonitoring();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapMetricsApi();
app.MapUsageRecordedHandler();
app.Run();

public partial class Program;
