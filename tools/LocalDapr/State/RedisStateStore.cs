using System.Globalization;
using LocalDapr.Abstractions;
using StackExchange.Redis;

namespace LocalDapr.State;

/// <summary>
/// <c>state.redis</c>: the layout and semantics of dapr's Redis store (hash with <c>data</c>/<c>version</c>,
/// numeric ETags, TTL with EXPIRE), with every check-and-write done by one Lua script so it is atomic.
/// </summary>
public sealed class RedisStateStore(RedisStateStoreOptions options, IConnectionMultiplexer connection) : IStateStore, IAsyncDisposable
{
    private const string MismatchPrefix = "ETAG_MISMATCH";

    private IDatabase Database => connection.GetDatabase(options.Database);

    public string Name => options.Name;

    public bool IsActorStateStore => options.IsActorStateStore;

    public static async Task<RedisStateStore> ConnectAsync(RedisStateStoreOptions options, CancellationToken cancellationToken)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(options.ToConfiguration()).WaitAsync(cancellationToken);
        return new RedisStateStore(options, multiplexer);
    }

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(RedisScripts.Get, [key]).WaitAsync(cancellationToken);
        return ToEntry(key, result);
    }

    public async Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        // Pipelined: all scripts are sent before the first reply is awaited.
        var database = Database;
        var pending = keys.Select(k => database.ScriptEvaluateAsync(RedisScripts.Get, [k])).ToArray();
        var results = await Task.WhenAll(pending).WaitAsync(cancellationToken);
        return keys.Select((k, i) => ToEntry(k, results[i])).ToArray();
    }

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        var version = await RunAsync(write.Key, RedisScripts.Set, [write.Key],
            [ParseETag(write.ETag), write.Concurrency == Concurrency.FirstWrite ? "1" : "0", write.Value, Ttl(write.TtlSeconds)], cancellationToken);
        return ((long)version).ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) =>
        await RunAsync(delete.Key, RedisScripts.Delete, [delete.Key], [ParseETag(delete.ETag)], cancellationToken);

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        if (operations.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[operations.Count];
        var args = new List<RedisValue>(operations.Count * 5);
        for (var i = 0; i < operations.Count; i++)
        {
            keys[i] = operations[i].Key;
            switch (operations[i])
            {
                case UpsertOperation { Write: var w }:
                    args.AddRange(["u", ParseETag(w.ETag), w.Concurrency == Concurrency.FirstWrite ? "1" : "0", w.Value, Ttl(w.TtlSeconds)]);
                    break;
                case DeleteOperation { Delete: var d }:
                    args.AddRange(["d", ParseETag(d.ETag), "0", RedisValue.EmptyString, "0"]);
                    break;
            }
        }

        await RunAsync(operations[0].Key, RedisScripts.Transaction, keys, [.. args], cancellationToken);
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();

    private async Task<RedisResult> RunAsync(string key, string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await Database.ScriptEvaluateAsync(script, keys, args).WaitAsync(cancellationToken);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith(MismatchPrefix, StringComparison.Ordinal))
        {
            var failedKey = ex.Message.Length > MismatchPrefix.Length ? ex.Message[(MismatchPrefix.Length + 1)..] : key;
            throw new ETagMismatchException(failedKey);
        }
    }

    private static StateEntry? ToEntry(string key, RedisResult result)
    {
        if (result.IsNull || result.Length < 3)
        {
            return null;
        }

        var data = (byte[]?)result[0] ?? [];
        var ttlMs = (long)result[2];
        DateTimeOffset? expires = ttlMs > 0 ? DateTimeOffset.UtcNow.AddMilliseconds(ttlMs) : null;
        return new StateEntry(key, data, (string?)result[1] ?? "0", expires);
    }

    /// <summary>dapr's Redis ETags are the integer version; anything else is an invalid ETag, not a mismatch.</summary>
    private static string ParseETag(string? etag) =>
        etag is null ? string.Empty
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? etag
        : throw new InvalidETagException(etag);

    private int Ttl(int? requested) => requested switch
    {
        > 0 => requested.Value,
        null => options.DefaultTtlSeconds ?? 0,
        _ => 0,
    };
}
