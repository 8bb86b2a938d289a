using System.Collections.Concurrent;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>
/// Counts each usage event once: totals and the events' markers are committed together (totals ETag-guarded,
/// markers create-only), and only committed events enter the in-memory window. Summaries read totals from the store,
/// so every replica reports the same all-time numbers.
/// </summary>
/// <remarks>
/// Every event updates the one totals document, so events are group-committed: whoever holds the writer turn commits
/// everything queued by then in one read and one transaction, while the others wait for that commit. Under load this
/// turns N serialised read-modify-writes into a few, and a handler still answers only after its event is durable.
/// </remarks>
public sealed class UsageAggregator(IJsonStateStore store, RecentWindow window, TimeProvider time)
{
    // Far longer than any redelivery window of the broker, short enough that markers do not pile up forever.
    public const int SeenEventTtlSeconds = 7 * 24 * 3600;
    private const int MaxBatch = 256;
    private static readonly MonitoringJsonContext Json = MonitoringJsonContext.Default;

    private readonly ConcurrentQueue<PendingEvent> _queue = new();
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>True when counted now, false when the event had been counted before.</summary>
    public async Task<bool> RecordAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        var pending = new PendingEvent(usage);
        _queue.Enqueue(pending);
        await CommitUntilDoneAsync([pending], cancellationToken);
        return await pending.Outcome.Task;
    }

    /// <summary>
    /// Records a delivered batch: all of it is queued before the writer turn is taken, so it goes into one commit
    /// (with whatever else was queued) instead of one per event. Each event gets its own outcome; a failed commit
    /// fails only the events it held.
    /// </summary>
    public async Task<IReadOnlyList<RecordOutcome>> RecordAllAsync(IReadOnlyList<UsageRecorded> events, CancellationToken cancellationToken)
    {
        var pending = events.Select(e => new PendingEvent(e)).ToList();
        foreach (var next in pending)
        {
            _queue.Enqueue(next);
        }

        await CommitUntilDoneAsync(pending, cancellationToken);
        return pending.Select(p => p.Outcome.Task.IsCompletedSuccessfully
                ? p.Outcome.Task.Result ? RecordOutcome.Counted : RecordOutcome.Duplicate
                : RecordOutcome.Failed)
            .ToList();
    }

    private async Task CommitUntilDoneAsync(List<PendingEvent> pending, CancellationToken cancellationToken)
    {
        while (pending.Any(p => !p.Outcome.Task.IsCompleted))
        {
            await _writer.WaitAsync(cancellationToken);
            try
            {
                if (pending.Any(p => !p.Outcome.Task.IsCompleted))
                {
                    await CommitQueuedAsync();
                }
            }
            finally
            {
                _writer.Release();
            }
        }
    }

    public async Task<MetricsSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var totals = (await store.GetAsync(UsageTotals.StateKey, Json.UsageTotals, cancellationToken)).Value ?? UsageTotals.Empty;
        return SummaryBuilder.Build(totals, window.Snapshot(now), window.Length, now);
    }

    private async Task CommitQueuedAsync()
    {
        var batch = new List<PendingEvent>(Math.Min(_queue.Count, MaxBatch));
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        try
        {
            // The batch's own commit must not be abandoned because one waiting caller gave up: the others need it.
            var counted = await OptimisticConcurrency.RetryAsync("record usage", CommitOnceAsync(batch), CancellationToken.None);
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult(counted.Contains(pending));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Every waiter answers with the failure, so the broker redelivers each event; markers make that safe.
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(ex);
            }
        }
    }

    private Func<CancellationToken, Task<Attempt<HashSet<PendingEvent>>>> CommitOnceAsync(List<PendingEvent> batch) => async ct =>
    {
        // The first delivery of an event id in the batch is the one that may count; later ones are duplicates.
        var firsts = batch.DistinctBy(p => p.Usage.EventId, StringComparer.Ordinal).ToList();
        var markersRead = store.GetManyAsync(firsts.Select(p => SeenEvent.StateKey(p.Usage.EventId)).ToList(), Json.SeenEvent, ct);
        var totalsRead = store.GetAsync(UsageTotals.StateKey, Json.UsageTotals, ct);
        await Task.WhenAll(markersRead, totalsRead);

        var markers = await markersRead;
        var fresh = firsts.Where((_, i) => !markers[i].Exists).ToList();
        if (fresh.Count == 0)
        {
            return Attempt<HashSet<PendingEvent>>.Done([]);
        }

        var totals = await totalsRead;
        var updated = fresh.Aggregate(totals.Value ?? UsageTotals.Empty, (sum, p) => sum.Add(p.Usage));
        var now = time.GetUtcNow();
        var operations = new List<StateOperation>(fresh.Count + 1)
        {
            StateOperation.Put(totals.Key, updated, Json.UsageTotals, totals.ETag),
        };
        operations.AddRange(fresh.Select(p =>
            StateOperation.Put(SeenEvent.StateKey(p.Usage.EventId), new SeenEvent(now), Json.SeenEvent, etag: null, SeenEventTtlSeconds)));
        if (!await store.TryCommitAsync(operations, ct))
        {
            return Attempt<HashSet<PendingEvent>>.Conflict();
        }

        foreach (var pending in fresh)
        {
            window.Add(UsageSample.From(pending.Usage));
        }

        return Attempt<HashSet<PendingEvent>>.Done([.. fresh]);
    };

    private sealed class PendingEvent(UsageRecorded usage)
    {
        public UsageRecorded Usage { get; } = usage;

        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What became of one event handed to <see cref="UsageAggregator.RecordAllAsync"/>.</summary>
public enum RecordOutcome
{
    /// <summary>Counted now (committed).</summary>
    Counted,

    /// <summary>Counted before (its marker exists): nothing to do.</summary>
    Duplicate,

    /// <summary>Its commit failed; the event must be delivered again.</summary>
    Failed,
}
