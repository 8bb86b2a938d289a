using System.Text.Json.Serialization.Metadata;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace Services.Tests.Auth.Support;

/// <summary>The real auth-db store, counting the calls made through it (how many round trips an operation costs).</summary>
public sealed class CountingStateStore(IJsonStateStore inner) : IJsonStateStore
{
    private int _reads;
    private int _bulkReads;
    private int _commits;

    public int Reads => _reads;

    public int BulkReads => _bulkReads;

    public int Commits => _commits;

    public Task<StateEntry<T>> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return inner.GetAsync(key, type, cancellationToken);
    }

    public Task<IReadOnlyList<StateEntry<T>>> GetManyAsync<T>(IReadOnlyList<string> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _bulkReads);
        return inner.GetManyAsync(keys, type, cancellationToken);
    }

    public Task<bool> TryCommitAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _commits);
        return inner.TryCommitAsync(operations, cancellationToken);
    }
}
