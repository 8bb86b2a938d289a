using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Monitoring.Metrics;
using DeepSeek.Dapr.ServiceDefaults.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Monitoring.Events;

/// <summary>Subscriber of <c>usage-recorded</c>, handing each event to <see cref="UsageAggregator"/>.</summary>
public static partial class UsageRecordedHandler
{
    public static IEndpointRouteBuilder MapUsageRecordedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/usage-recorded", HandleAsync)
            .WithTopic(Components.PubSub, Topics.UsageRecorded)
            .WithName("AggregateUsage")
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Ok<SubscriptionReply>> HandleAsync(HttpRequest request, UsageAggregator aggregator, ILogger<UsageAggregator> logger, CancellationToken ct)
    {
        var (usage, error) = await UsageEventReader.ReadAsync(request, ct);
        if (usage is null)
        {
            LogInvalid(logger, error!);
            return TypedResults.Ok(SubscriptionReply.Drop);
        }

        if (!await aggregator.RecordAsync(usage, ct))
        {
            LogDuplicate(logger, usage.EventId);
        }

        return TypedResults.Ok(SubscriptionReply.Success);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event {UsageEventId} was already counted")]
    private static partial void LogDuplicate(ILogger logger, string usageEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an invalid usage-recorded event: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);
}
