using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.Training.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFineTuningApi();
app.Run();

public partial class Program;
