using Dapr;
using Dapr.AspNetCore;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Monitoring.Metrics;
using DeepSeek.Dapr.ServiceDefaults.Events;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Monitoring.Events;

/// <summary>
/// Bulk subscriber of <c>usage-recorded</c>: the sidecar hands over up to <see cref="MaxMessagesCount"/> events in one
/// request, and the whole batch goes into one group commit of <see cref="UsageAggregator"/> (one HTTP delivery and
/// one store transaction for many events instead of one each). Every entry gets its own status: SUCCESS once counted
/// (or counted before: markers keep it exactly once per event id), RETRY when its commit failed, DROP when it can never
/// be read.
/// </summary>
public static partial class UsageRecordedHandler
{
    public const int MaxMessagesCount = 100;

    // The sidecar opens a batch at its first event and sends it after this long (or when full): at 200 events/s a batch
    // gathers about 10, which already spreads the delivery's cost over them, while the events held in an open batch
    // when monitoring stops (they depend on the runtime redelivering them after the restart) stay few.
    public const int MaxAwaitDurationMs = 50;

    public static IEndpointRouteBuilder MapUsageRecordedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/usage-recorded", HandleAsync)
            .WithTopic(Components.PubSub, Topics.UsageRecorded)
            .WithBulkSubscribe(new BulkSubscribeTopicOptions
            {
                TopicName = Topics.UsageRecorded,
                MaxMessagesCount = MaxMessagesCount,
                MaxAwaitDurationMs = MaxAwaitDurationMs,
            })
            .WithName("AggregateUsage")
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<JsonHttpResult<BulkSubscribeAppResponse>, OpenAiErrorResult>> HandleAsync(
        HttpRequest request, UsageAggregator aggregator, ILogger<UsageAggregator> logger, CancellationToken ct)
    {
        var (entries, error) = await BulkUsageReader.ReadAsync(request, ct);
        if (entries is null)
        {
            return OpenAiErrors.BadRequest($"Not a bulk delivery envelope: {error}");
        }

        var statuses = new BulkSubscribeAppResponseEntry[entries.Count];
        var readable = new List<(int Index, UsageRecorded Usage)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Usage is { } usage)
            {
                readable.Add((i, usage));
            }
            else
            {
                LogInvalid(logger, entries[i].EntryId, entries[i].Error ?? "no usage");
                statuses[i] = new BulkSubscribeAppResponseEntry(entries[i].EntryId, BulkSubscribeAppResponseStatus.DROP);
            }
        }

        var outcomes = await aggregator.RecordAllAsync(readable.ConvertAll(r => r.Usage), ct);
        for (var j = 0; j < readable.Count; j++)
        {
            var (index, usage) = readable[j];
            var outcome = outcomes[j];
            if (outcome == RecordOutcome.Duplicate)
            {
                LogDuplicate(logger, usage.EventId);
            }

            statuses[index] = new BulkSubscribeAppResponseEntry(
                entries[index].EntryId,
                outcome == RecordOutcome.Failed ? BulkSubscribeAppResponseStatus.RETRY : BulkSubscribeAppResponseStatus.SUCCESS);
        }

        if (outcomes.Contains(RecordOutcome.Failed))
        {
            LogCommitFailed(logger, outcomes.Count(o => o == RecordOutcome.Failed));
        }

        return TypedResults.Json(new BulkSubscribeAppResponse([.. statuses]), BulkReplyJsonContext.Default.BulkSubscribeAppResponse);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event {UsageEventId} was already counted")]
    private static partial void LogDuplicate(ILogger logger, string usageEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping invalid usage-recorded entry {EntryId}: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string entryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} usage events could not be committed; the sidecar delivers them again")]
    private static partial void LogCommitFailed(ILogger logger, int count);
}
