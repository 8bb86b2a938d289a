using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.ServiceDefaults.Events;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>Subscriber of <c>usage-recorded</c>: a thin endpoint handing the event to <see cref="UsageCharger"/>.</summary>
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

    /// <summary>Store errors surface as 500, which the sidecar redelivers; a payload that can never be charged is dropped.</summary>
    public static async Task<Ok<SubscriptionReply>> HandleAsync(HttpRequest request, UsageCharger charger, ILogger<UsageCharger> logger, CancellationToken ct)
    {
        var (usage, error) = await UsageEventReader.ReadAsync(request, ct);
        if (usage is null)
        {
            LogInvalid(logger, error!);
            return TypedResults.Ok(SubscriptionReply.Drop);
        }

        var result = await charger.ChargeAsync(usage, ct);
        LogCharged(logger, usage.EventId, usage.UserId, usage.Model, result.Outcome, result.Cost);
        return TypedResults.Ok(result.Outcome == ChargeOutcome.UnknownUser ? SubscriptionReply.Drop : SubscriptionReply.Success);
    }

    // Debug: one line per answered request would flood the log under load.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event {UsageEventId} of {UserId} on {Model}: {Outcome} ({Cost})")]
    private static partial void LogCharged(ILogger logger, string usageEventId, string userId, string model, ChargeOutcome outcome, decimal cost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an invalid usage-recorded event: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);
}
