using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>
/// Counts each usage event once: totals and the event's marker are committed together (totals ETag-guarded, marker
/// create-only), and only a committed event enters the in-memory window. Summaries read totals from the store, so
/// every replica reports the same all-time numbers.
/// </summary>
public sealed class UsageAggregator(IJsonStateStore store, RecentWindow window, TimeProvider time)
{
    private static readonly MonitoringJsonContext Json = MonitoringJsonContext.Default;

    // Every event updates the one totals document: queue them in-process instead of fighting over its ETag.
    private readonly KeyedLock _totalsLock = new();

    /// <summary>True when counted now, false when the event had been counted before.</summary>
    public async Task<bool> RecordAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        using var turn = await _totalsLock.AcquireAsync(UsageTotals.StateKey, cancellationToken);
        return await RecordOnceAsync(usage, cancellationToken);
    }

    private Task<bool> RecordOnceAsync(UsageRecorded usage, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("record usage", async ct =>
        {
            var markerRead = store.GetAsync(SeenEvent.StateKey(usage.EventId), Json.SeenEvent, ct);
            var totalsRead = store.GetAsync(UsageTotals.StateKey, Json.UsageTotals, ct);
            await Task.WhenAll(markerRead, totalsRead);
            if ((await markerRead).Exists)
            {
                return Attempt<bool>.Done(false);
            }

            var totals = await totalsRead;
            var committed = await store.TryCommitAsync(
            [
                StateOperation.Put(totals.Key, (totals.Value ?? UsageTotals.Empty).Add(usage), Json.UsageTotals, totals.ETag),
                StateOperation.Put(SeenEvent.StateKey(usage.EventId), new SeenEvent(time.GetUtcNow()), Json.SeenEvent, etag: null),
            ], ct);
            if (!committed)
            {
                return Attempt<bool>.Conflict();
            }

            window.Add(UsageSample.From(usage));
            return Attempt<bool>.Done(true);
        }, cancellationToken);

    public async Task<MetricsSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var totals = (await store.GetAsync(UsageTotals.StateKey, Json.UsageTotals, cancellationToken)).Value ?? UsageTotals.Empty;
        return SummaryBuilder.Build(totals, window.Snapshot(now), window.Length, now);
    }
}
