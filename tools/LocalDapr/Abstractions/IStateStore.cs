namespace LocalDapr.Abstractions;

/// <summary>
/// A state store as daprd's state API sees it. Keys given here are already prefixed (<c>keyPrefix</c> is
/// applied by the registry). ETags are opaque strings; a mismatch throws <see cref="ETagMismatchException"/>,
/// an unparsable one <see cref="InvalidETagException"/>.
/// </summary>
public interface IStateStore
{
    string Name { get; }

    /// <summary>Null when the key does not exist or its TTL expired.</summary>
    Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken);

    Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Returns the new ETag.</summary>
    Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken);

    Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken);

    /// <summary>All operations or none.</summary>
    Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken);

    /// <summary>True when this store may hold actor state (<c>actorStateStore: "true"</c>).</summary>
    bool IsActorStateStore { get; }
}

public sealed record StateEntry(string Key, ReadOnlyMemory<byte> Value, string ETag, DateTimeOffset? ExpiresAt);

public enum Concurrency
{
    LastWrite,
    FirstWrite,
}

/// <param name="ETag">When set, the write succeeds only if the stored ETag equals it. With <see cref="Concurrency.FirstWrite"/> and no ETag, the write succeeds only if the key does not exist.</param>
/// <param name="TtlSeconds">From metadata <c>ttlInSeconds</c>; null = store default, -1 = never expire.</param>
public sealed record StateWrite(string Key, ReadOnlyMemory<byte> Value, string? ETag, Concurrency Concurrency, int? TtlSeconds);

public sealed record StateDelete(string Key, string? ETag, Concurrency Concurrency);

public abstract record StateOperation(string Key);

public sealed record UpsertOperation(StateWrite Write) : StateOperation(Write.Key);

public sealed record DeleteOperation(StateDelete Delete) : StateOperation(Delete.Key);

public sealed class ETagMismatchException(string key) : Exception($"possible etag mismatch. error from state store: ETag mismatch for key {key}");

public sealed class InvalidETagException(string etag) : Exception($"invalid etag value: {etag}");
