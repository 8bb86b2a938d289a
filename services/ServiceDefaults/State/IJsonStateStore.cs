using System.Text.Json.Serialization.Metadata;

namespace DeepSeek.Dapr.ServiceDefaults.State;

/// <summary>
/// One service's own state store, holding JSON documents written with source-generated metadata. Writes are
/// optimistic: a <see cref="StateOperation.Put"/> carries the ETag that was read (null = the key must not exist yet),
/// so read-modify-write loops never lose a concurrent update.
/// </summary>
public interface IJsonStateStore
{
    Task<StateEntry<T>> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken);

    /// <summary>One round trip for several keys; the result keeps the order of <paramref name="keys"/>.</summary>
    Task<IReadOnlyList<StateEntry<T>>> GetManyAsync<T>(IReadOnlyList<string> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken);

    /// <summary>Applies every operation atomically; false when any ETag condition failed (nothing was written).</summary>
    Task<bool> TryCommitAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken);
}

/// <summary>A document and the ETag it was read with; <see cref="Value"/> and <see cref="ETag"/> are null when the key is absent.</summary>
public sealed record StateEntry<T>(string Key, T? Value, string? ETag)
{
    public bool Exists => Value is not null;
}
