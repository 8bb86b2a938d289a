using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace DeepSeek.Dapr.ServiceDefaults.State;

/// <summary>
/// <see cref="IJsonStateStore"/> over the sidecar's state API. Documents are stored as the JSON bytes the service's
/// own source-generated context writes, so what is stored does not depend on DaprClient's serializer options.
/// </summary>
public sealed class DaprJsonStateStore(DaprClient dapr, string storeName) : IJsonStateStore
{
    private const int BulkParallelism = 8;

    public string StoreName { get; } = storeName;

    public async Task<StateEntry<T>> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var (data, etag) = await dapr.GetByteStateAndETagAsync(StoreName, key, cancellationToken: cancellationToken);
        return data.IsEmpty
            ? new StateEntry<T>(key, default, null)
            : new StateEntry<T>(key, JsonSerializer.Deserialize(data.Span, type), string.IsNullOrEmpty(etag) ? null : etag);
    }

    public async Task<IReadOnlyList<StateEntry<T>>> GetManyAsync<T>(IReadOnlyList<string> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var items = await dapr.GetBulkStateAsync(StoreName, keys, BulkParallelism, cancellationToken: cancellationToken);
        var byKey = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        return keys.Select(key => byKey.TryGetValue(key, out var item) && !string.IsNullOrEmpty(item.Value)
                ? new StateEntry<T>(key, JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(item.Value), type), string.IsNullOrEmpty(item.ETag) ? null : item.ETag)
                : new StateEntry<T>(key, default, null))
            .ToList();
    }

    public async Task<bool> TryCommitAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        var requests = operations.Select(ToRequest).ToList();
        try
        {
            await dapr.ExecuteStateTransactionAsync(StoreName, requests, cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException ex) when (IsConflict(ex))
        {
            return false;
        }
    }

    private static StateTransactionRequest ToRequest(StateOperation op)
    {
        var options = op.Conditional ? new StateOptions { Concurrency = ConcurrencyMode.FirstWrite } : null;
        IReadOnlyDictionary<string, string>? metadata = op.TtlSeconds is { } ttl
            ? new Dictionary<string, string> { ["ttlInSeconds"] = ttl.ToString(CultureInfo.InvariantCulture) }
            : null;
        return op.IsDelete
            ? new StateTransactionRequest(op.Key, null, StateOperationType.Delete, op.ETag, metadata, options)
            : new StateTransactionRequest(op.Key, op.Value, StateOperationType.Upsert, op.ETag, metadata, options);
    }

    /// <summary>
    /// An ETag mismatch (or first-write on an existing key) is gRPC Aborted for single writes; daprd wraps a failed
    /// transaction as Internal with the store's "possible etag mismatch" text, so both are read as a conflict.
    /// </summary>
    private static bool IsConflict(DaprException ex)
    {
        var rpc = ex.InnerException as RpcException ?? ex.InnerException?.InnerException as RpcException;
        return rpc is not null
            && (rpc.StatusCode == StatusCode.Aborted
                || (rpc.StatusCode == StatusCode.Internal && rpc.Status.Detail.Contains("etag mismatch", StringComparison.OrdinalIgnoreCase)));
    }
}
