using Dapr;
using Dapr.AspNetCore;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Events;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using DeepSeek.Dapr.Users.Apis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>
/// Bulk subscriber of <c>usage-recorded</c>: the entries of one delivery are grouped by user and each user's events
/// go to <c>SettleMany</c> on its actor in one call (users in parallel), so a busy user costs one actor turn and one
/// state transaction per delivery instead of per request.
/// </summary>
public static partial class UsageRecordedHandler
{
    /// <summary>
    /// Up to this many events per delivery. At the benchmark's few hundred requests per second a delivery rarely fills
    /// up: <see cref="MaxAwaitMs"/> is what usually ends a batch.
    /// </summary>
    public const int MaxMessages = 100;

    /// <summary>
    /// How long the sidecar waits to fill a batch after its first event. Usage is charged after the reply went out, so
    /// this delays only the charge and the freeing of the hold, never a response; 25 ms keeps that well under the
    /// 100 ms a user could notice in a balance read, and still gathers several events per turn under load.
    /// </summary>
    public const int MaxAwaitMs = 25;

    public static IEndpointRouteBuilder MapUsageRecordedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/usage-recorded", HandleAsync)
            .WithTopic(Components.PubSub, Topics.UsageRecorded)
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = Topics.UsageRecorded, MaxMessagesCount = MaxMessages, MaxAwaitDurationMs = MaxAwaitMs })
            .WithName("ChargeUsage")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// One status per entry. A failed actor call answers RETRY for that user's entries only (the sidecar redelivers
    /// them; settling is idempotent by event id, so nothing is lost or charged twice); a payload that can never be
    /// charged, or usage of an unknown user, is dropped. A body that is not a bulk envelope at all is a 400.
    /// </summary>
    public static async Task<Results<JsonHttpResult<BulkSubscribeAppResponse>, BadRequest<ErrorResponse>>> HandleAsync(
        HttpRequest request, UserAccounts accounts, ILogger<UserAccounts> logger, CancellationToken ct)
    {
        var (entries, error) = await BulkUsageReader.ReadAsync(request, ct);
        if (entries is null)
        {
            LogInvalidDelivery(logger, error!);
            return TypedResults.BadRequest(UsersApi.Invalid(error!, "entries"));
        }

        var statuses = new Dictionary<string, BulkSubscribeAppResponseStatus>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Usage is null))
        {
            LogInvalid(logger, entry.Error ?? "no usage");
            statuses[entry.EntryId] = BulkSubscribeAppResponseStatus.DROP;
        }

        var perUser = entries.Where(e => e.Usage is not null).GroupBy(e => e.Usage!.UserId, StringComparer.Ordinal);
        var settled = await Task.WhenAll(perUser.Select(group => SettleUserAsync(group.Key, [.. group], accounts, logger, ct)));
        foreach (var (entryId, status) in settled.SelectMany(s => s))
        {
            statuses[entryId] = status;
        }

        var reply = new BulkSubscribeAppResponse([.. entries.Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, statuses[e.EntryId]))]);
        return TypedResults.Json(reply, BulkReplyJsonContext.Default.BulkSubscribeAppResponse);
    }

    private static async Task<List<(string EntryId, BulkSubscribeAppResponseStatus Status)>> SettleUserAsync(
        string userId, List<BulkUsageEntry> entries, UserAccounts accounts, ILogger logger, CancellationToken ct)
    {
        List<SettlementResult> results;
        try
        {
            results = await accounts.SettleManyAsync(userId, [.. entries.Select(e => e.Usage!)], ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogSettleFailed(logger, ex, entries.Count, userId);
            return [.. entries.Select(e => (e.EntryId, BulkSubscribeAppResponseStatus.RETRY))];
        }

        if (results.Count != entries.Count)
        {
            // Never expected from the actor; retrying is safe (idempotent by event id) where guessing is not.
            LogMismatch(logger, userId, entries.Count, results.Count);
            return [.. entries.Select(e => (e.EntryId, BulkSubscribeAppResponseStatus.RETRY))];
        }

        var statuses = new List<(string, BulkSubscribeAppResponseStatus)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (usage, result) = (entries[i].Usage!, results[i]);
            LogSettled(logger, usage.EventId, userId, usage.Model, result.Outcome, result.Cost);
            var status = result.Outcome switch
            {
                SettlementOutcomes.Charged or SettlementOutcomes.AlreadyCharged => BulkSubscribeAppResponseStatus.SUCCESS,
                _ => BulkSubscribeAppResponseStatus.DROP,
            };
            if (status == BulkSubscribeAppResponseStatus.DROP)
            {
                LogDropped(logger, usage.EventId, userId, result.Outcome);
            }

            statuses.Add((entries[i].EntryId, status));
        }

        return statuses;
    }

    // Debug: one line per charged event would flood the log under load.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event {UsageEventId} of {UserId} on {Model}: {Outcome} ({Cost})")]
    private static partial void LogSettled(ILogger logger, string usageEventId, string userId, string model, string outcome, decimal cost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an invalid usage-recorded event: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing a usage-recorded delivery that is not a bulk envelope: {Reason}")]
    private static partial void LogInvalidDelivery(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping usage event {UsageEventId} of {UserId}: {Outcome}")]
    private static partial void LogDropped(ILogger logger, string usageEventId, string userId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling {Count} usage events of {UserId} failed; asking for their redelivery")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, int count, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "SettleMany of {UserId} answered {Results} results for {Count} events; asking for their redelivery")]
    private static partial void LogMismatch(ILogger logger, string userId, int count, int results);
}
