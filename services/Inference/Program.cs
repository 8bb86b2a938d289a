using DeepSeek.Dapr.Inference;
using DeepSeek.Dapr.Inference.Apis;
using DeepSeek.Dapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInference();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGenerateApi();
app.Run();

public partial class Program;
