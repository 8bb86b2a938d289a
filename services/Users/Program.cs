using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.Users;
using DeepSeek.Dapr.Users.Apis;
using DeepSeek.Dapr.Users.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddUsers();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapQuotaApi();
app.MapUsersApi();
app.MapUsageRecordedHandler();
app.Run();

public partial class Program;
