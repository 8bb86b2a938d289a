using DeepSeek.Dapr.ServiceDefaults.Hosting;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>Creates the bootstrap user (<c>admin</c>, owner of the bootstrap API key) with its granted balance on first start.</summary>
public sealed partial class BootstrapUserTask(AccountService accounts, IOptions<UsersOptions> options, ILogger<BootstrapUserTask> logger) : IStartupTask
{
    public string Name => "bootstrap user";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        if (await accounts.GetAsync(bootstrap.UserId, cancellationToken) is not null)
        {
            LogPresent(logger, bootstrap.UserId);
            return;
        }

        var created = await accounts.CreateAsync(bootstrap.UserId, bootstrap.Name, bootstrap.Plan, bootstrap.GrantedBalance, cancellationToken);
        LogCreated(logger, bootstrap.UserId, created is not null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap user {UserId} already exists")]
    private static partial void LogPresent(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap user {UserId} created: {Created}")]
    private static partial void LogCreated(ILogger logger, string userId, bool created);
}
