using LocalDapr.Abstractions;

namespace LocalDapr.Components;

/// <summary>
/// The view one app has of a shared store: keys get the app's <c>keyPrefix</c> on the way in and lose it on the
/// way out, so apps sharing a component are isolated exactly as with daprd.
/// </summary>
public sealed class PrefixedStateStore(IStateStore inner, string prefix) : IStateStore
{
    private readonly string _prefix = prefix + KeyPrefix.Separator;

    public string Name => inner.Name;

    public bool IsActorStateStore => inner.IsActorStateStore;

    public IStateStore Inner => inner;

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        Strip(await inner.GetAsync(Prefix(key), cancellationToken), key);

    public async Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var entries = await inner.GetBulkAsync(keys.Select(Prefix).ToArray(), cancellationToken);
        return entries.Select((e, i) => Strip(e, keys[i])).ToArray();
    }

    public Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken) =>
        inner.SetAsync(write with { Key = Prefix(write.Key) }, cancellationToken);

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) =>
        inner.DeleteAsync(delete with { Key = Prefix(delete.Key) }, cancellationToken);

    public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
        inner.TransactAsync(operations.Select(Prefix).ToArray(), cancellationToken);

    private string Prefix(string key) =>
        key.Contains(KeyPrefix.Separator, StringComparison.Ordinal)
            ? throw new InvalidStateKeyException(key)
            : _prefix + key;

    private StateOperation Prefix(StateOperation operation) => operation switch
    {
        UpsertOperation u => new UpsertOperation(u.Write with { Key = Prefix(u.Write.Key) }),
        DeleteOperation d => new DeleteOperation(d.Delete with { Key = Prefix(d.Delete.Key) }),
        _ => operation,
    };

    // The caller sees its own key and never the prefix, even if the store echoes the prefixed one.
    private static StateEntry? Strip(StateEntry? entry, string key) => entry is null ? null : entry with { Key = key };
}

/// <summary>daprd rejects keys containing <c>||</c> when a key prefix applies (they could escape the prefix).</summary>
public sealed class InvalidStateKeyException(string key) : Exception($"input key/keyPrefix '{key}' can't contain '{KeyPrefix.Separator}'");
