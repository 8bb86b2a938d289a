using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Events;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>Subscriber of <c>usage-recorded</c>: hands each event to <c>Settle</c> on its user's actor.</summary>
public static partial class UsageRecordedHandler
{
    public static IEndpointRouteBuilder MapUsageRecordedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/usage-recorded", HandleAsync)
            .WithTopic(Components.PubSub, Topics.UsageRecorded)
            .WithName("ChargeUsage")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A failed actor call is answered RETRY (the sidecar redelivers; Settle is idempotent by event id, so nothing is
    /// lost or charged twice); a payload that can never be charged, or usage of an unknown user, is dropped.
    /// </summary>
    public static async Task<Ok<SubscriptionReply>> HandleAsync(HttpRequest request, UserAccounts accounts, ILogger<UserAccounts> logger, CancellationToken ct)
    {
        var (usage, error) = await UsageEventReader.ReadAsync(request, ct);
        if (usage is null || !Identifiers.IsValidUserId(usage.UserId))
        {
            LogInvalid(logger, error ?? "user_id is not a valid user id");
            return TypedResults.Ok(SubscriptionReply.Drop);
        }

        SettlementResult result;
        try
        {
            result = await accounts.SettleAsync(usage, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogSettleFailed(logger, ex, usage.EventId, usage.UserId);
            return TypedResults.Ok(SubscriptionReply.Retry);
        }

        LogSettled(logger, usage.EventId, usage.UserId, usage.Model, result.Outcome, result.Cost);
        if (result.Outcome == SettlementOutcomes.UnknownUser)
        {
            LogUnknownUser(logger, usage.EventId, usage.UserId);
            return TypedResults.Ok(SubscriptionReply.Drop);
        }

        return TypedResults.Ok(SubscriptionReply.Success);
    }

    // Debug: one line per answered request would flood the log under load.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event {UsageEventId} of {UserId} on {Model}: {Outcome} ({Cost})")]
    private static partial void LogSettled(ILogger logger, string usageEventId, string userId, string model, string outcome, decimal cost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an invalid usage-recorded event: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping usage event {UsageEventId}: no account {UserId}")]
    private static partial void LogUnknownUser(ILogger logger, string usageEventId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling usage event {UsageEventId} of {UserId} failed; asking for redelivery")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string usageEventId, string userId);
}
