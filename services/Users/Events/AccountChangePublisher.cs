using System.Text.Json;
using Dapr;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>
/// Announces on <c>broadcast</c> that a user's plan (or, with user id <c>*</c>, a plan's limits) changed, so every
/// gateway replica drops its cached decisions. The change itself is already committed when this runs: a failed
/// publish is logged, and cached decisions then age out on their own freshness limit.
/// </summary>
public sealed partial class AccountChangePublisher(DaprClient dapr, TimeProvider time, ILogger<AccountChangePublisher> logger)
{
    public const string AllUsers = "*";

    public async Task PublishAsync(string userId, string change, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new AccountChanged(userId, change, time.GetUtcNow()), ContractsJsonContext.Default.AccountChanged);
            await dapr.PublishByteEventAsync(Components.Broadcast, Topics.AccountChanged, bytes, "application/json", cancellationToken: cancellationToken);
        }
        catch (DaprException ex)
        {
            LogPublishFailed(logger, ex, userId, change);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing account-changed for {UserId} ({Change}) failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string userId, string change);
}
