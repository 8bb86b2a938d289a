using DeepSeek.Dapr.ServiceDefaults.Hosting;
using DeepSeek.Dapr.Users.Actors;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>
/// Creates the bootstrap user (<c>admin</c>, owner of the bootstrap API key) with its granted balance on first start,
/// through its actor like any other user. Retried by the startup runner until the runtime hosts the actor type.
/// </summary>
public sealed partial class BootstrapUserTask(UserAccounts accounts, UserIndex index, IOptions<UsersOptions> options, ILogger<BootstrapUserTask> logger) : IStartupTask
{
    public string Name => "bootstrap user";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        await index.AddAsync(bootstrap.UserId, cancellationToken);
        var reply = await accounts.CreateAsync(bootstrap.UserId, new CreateAccount(bootstrap.Name, bootstrap.Plan, bootstrap.GrantedBalance), cancellationToken);
        LogBootstrap(logger, bootstrap.UserId, reply.Status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap user {UserId}: {Status}")]
    private static partial void LogBootstrap(ILogger logger, string userId, AccountStatus status);
}
