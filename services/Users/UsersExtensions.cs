using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.Hosting;
using DeepSeek.Dapr.ServiceDefaults.State;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Quota;

namespace DeepSeek.Dapr.Users;

public static class UsersExtensions
{
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<UsersOptions>(builder.Configuration.GetSection("Users"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.UsersDb);
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<QuotaService>();
        builder.Services.AddSingleton<UsageCharger>();
        builder.Services.AddStartupTask<BootstrapUserTask>();
        return builder;
    }
}
