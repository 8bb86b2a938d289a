using System.Collections.Concurrent;
using System.Globalization;
using LocalDapr.Abstractions;

namespace LocalDapr.State;

/// <summary>
/// <c>state.in-memory</c>: reads are lock-free; writes and transactions take one lock so that the ETag check and
/// the write are atomic. ETags come from a per-store counter, so an ETag is never reused after a delete.
/// Expired entries are invisible at once and removed by a periodic sweep.
/// </summary>
public sealed class InMemoryStateStore : IStateStore, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;
    private long _version;

    public InMemoryStateStore(string name, bool isActorStateStore, TimeProvider time, TimeSpan sweepInterval)
    {
        Name = name;
        IsActorStateStore = isActorStateStore;
        _time = time;
        _sweeper = SweepAsync(sweepInterval, _stop.Token);
    }

    public string Name { get; }

    public bool IsActorStateStore { get; }

    /// <summary>Entries held, expired or not (for tests of the sweep).</summary>
    internal int StoredCount => _items.Count;

    public Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(Read(key, _time.GetUtcNow()));

    public Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<StateEntry?>>(keys.Select(k => Read(k, now)).ToArray());
    }

    public Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var now = _time.GetUtcNow();
            Check(write.Key, write.ETag, write.Concurrency, now);
            return Task.FromResult(Apply(write, now));
        }
    }

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            Check(delete.Key, delete.ETag, Concurrency.LastWrite, _time.GetUtcNow());
            _items.TryRemove(delete.Key, out _);
        }

        return Task.CompletedTask;
    }

    public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var now = _time.GetUtcNow();

            // Check every precondition before changing anything: all or nothing. A key written twice in one
            // transaction is checked against its state before the transaction, as daprd's stores do.
            foreach (var operation in operations)
            {
                switch (operation)
                {
                    case UpsertOperation u:
                        Check(u.Key, u.Write.ETag, u.Write.Concurrency, now);
                        break;
                    case DeleteOperation d:
                        Check(d.Key, d.Delete.ETag, Concurrency.LastWrite, now);
                        break;
                }
            }

            foreach (var operation in operations)
            {
                if (operation is UpsertOperation u)
                {
                    Apply(u.Write, now);
                }
                else
                {
                    _items.TryRemove(operation.Key, out _);
                }
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sweeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private StateEntry? Read(string key, DateTimeOffset now) =>
        _items.TryGetValue(key, out var item) && !item.IsExpired(now)
            ? new StateEntry(key, item.Value, item.Version.ToString(CultureInfo.InvariantCulture), item.ExpiresAt)
            : null;

    private void Check(string key, string? etag, Concurrency concurrency, DateTimeOffset now)
    {
        var exists = _items.TryGetValue(key, out var current) && !current.IsExpired(now);
        if (etag is not null)
        {
            var expected = ParseETag(etag);
            if (!exists || current!.Version != expected)
            {
                throw new ETagMismatchException(key);
            }
        }
        else if (concurrency == Concurrency.FirstWrite && exists)
        {
            throw new ETagMismatchException(key);
        }
    }

    private string Apply(StateWrite write, DateTimeOffset now)
    {
        var version = Interlocked.Increment(ref _version);
        var expiresAt = write.TtlSeconds is > 0 ? now.AddSeconds(write.TtlSeconds.Value) : (DateTimeOffset?)null;
        _items[write.Key] = new Item(write.Value.ToArray(), version, expiresAt);
        return version.ToString(CultureInfo.InvariantCulture);
    }

    private static long ParseETag(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InvalidETagException(etag);

    private async Task SweepAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = _time.GetUtcNow();
                foreach (var (key, item) in _items)
                {
                    if (item.IsExpired(now))
                    {
                        // Remove only the exact expired item, never a value written concurrently after it.
                        _items.TryRemove(KeyValuePair.Create(key, item));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the sweep ends with the store.
        }
    }

    private sealed record Item(byte[] Value, long Version, DateTimeOffset? ExpiresAt)
    {
        public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;
    }
}
