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
app.MapActorsHandlers();
app.MapQuotaApi();
app.MapUsersApi();
app.MapPlansApi();
app.MapUsageRecordedHandler();
app.MapAccountChangedHandler();
app.Run();

public partial class Program;
