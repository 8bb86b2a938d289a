using DeepSeek.Dapr.Models;
using DeepSeek.Dapr.Models.Apis;
using DeepSeek.Dapr.Models.Events;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddModels();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapModelsApi();
app.MapModelEvents();
app.Run();

public partial class Program;
