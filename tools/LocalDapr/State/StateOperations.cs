using Grpc.Core;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalDapr.State;

/// <summary>
/// The state API as both surfaces (HTTP and gRPC) run it: finds the app's store, runs the call under the
/// component's resiliency policy, and turns every failure into daprd's error for that operation
/// (<see cref="DaprApiException"/>): ETag mismatch → 409/Aborted, invalid ETag → 400/InvalidArgument,
/// unknown store → 400/InvalidArgument, anything else → 500/Internal with the store's message. Transactions
/// are the exception, as in daprd: every store error, an ETag conflict included, is 500/Internal
/// (ERR_STATE_TRANSACTION), with the conflict named in the message.
/// </summary>
public sealed partial class StateOperations(IComponentRegistry registry, ComponentCallRunner runner, ILogger<StateOperations> logger)
{
    public Task<StateEntry?> GetAsync(string appId, string storeName, string key, CancellationToken cancellationToken) =>
        RunAsync(appId, storeName, "ERR_STATE_GET", $"fail to get {key} from state store {storeName}",
            (store, token) => store.GetAsync(StateRequests.RequireKey(key), token), cancellationToken);

    public Task<IReadOnlyList<StateEntry?>> GetBulkAsync(string appId, string storeName, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        RunAsync(appId, storeName, "ERR_STATE_BULK_GET", $"failed getting bulk state from state store {storeName}",
            (store, token) => store.GetBulkAsync(keys, token), cancellationToken);

    /// <summary>Saves the items in order; daprd does not make a multi-item save atomic either.</summary>
    public Task<IReadOnlyList<string>> SaveAsync(string appId, string storeName, IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken) =>
        RunAsync(appId, storeName, "ERR_STATE_SAVE", $"failed saving state in state store {storeName}",
            async (store, token) =>
            {
                var etags = new List<string>(writes.Count);
                foreach (var write in writes)
                {
                    StateRequests.RequireKey(write.Key);
                    etags.Add(await store.SetAsync(write, token));
                }

                return (IReadOnlyList<string>)etags;
            }, cancellationToken);

    public Task DeleteAsync(string appId, string storeName, IReadOnlyList<StateDelete> deletes, CancellationToken cancellationToken) =>
        RunAsync(appId, storeName, "ERR_STATE_DELETE", deletes.Count == 1 ? $"failed deleting state with key {deletes[0].Key}" : $"failed deleting state in state store {storeName}",
            async (store, token) =>
            {
                foreach (var delete in deletes)
                {
                    StateRequests.RequireKey(delete.Key);
                    await store.DeleteAsync(delete, token);
                }

                return true;
            }, cancellationToken);

    public Task TransactAsync(string appId, string storeName, IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
        RunAsync(appId, storeName, "ERR_STATE_TRANSACTION", "error while executing state transaction", transactional: true,
            call: async (store, token) =>
            {
                foreach (var operation in operations)
                {
                    StateRequests.RequireKey(operation.Key);
                }

                await store.TransactAsync(operations, token);
                return true;
            }, cancellationToken: cancellationToken);

    private async Task<T> RunAsync<T>(string appId, string storeName, string errorCode, string context, Func<IStateStore, CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool transactional = false)
    {
        if (string.IsNullOrEmpty(storeName))
        {
            throw new DaprApiException(DaprApiError.Malformed("state store name is empty"));
        }

        IStateStore store;
        try
        {
            store = registry.GetStateStore(appId, storeName);
        }
        catch (ComponentNotFoundException)
        {
            throw new DaprApiException(DaprApiError.StateStoreNotFound(storeName));
        }

        try
        {
            return await runner.RunAsync(appId, storeName, token => call(store, token), cancellationToken);
        }
        catch (Exception ex) when (transactional && ex is ETagMismatchException or InvalidETagException)
        {
            throw new DaprApiException(new DaprApiError(StatusCodes.Status500InternalServerError, StatusCode.Internal, errorCode, $"{context}: {ex.Message}"));
        }
        catch (ETagMismatchException ex)
        {
            throw new DaprApiException(new DaprApiError(StatusCodes.Status409Conflict, StatusCode.Aborted, errorCode, $"{context}: {ex.Message}"));
        }
        catch (InvalidETagException ex)
        {
            throw new DaprApiException(new DaprApiError(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, errorCode, $"{context}: {ex.Message}"));
        }
        catch (InvalidStateKeyException ex)
        {
            throw new DaprApiException(DaprApiError.Malformed(ex.Message));
        }
        catch (Exception ex) when (ex is not DaprApiException and not OperationCanceledException)
        {
            LogStoreFailed(appId, storeName, ex);
            throw new DaprApiException(new DaprApiError(StatusCodes.Status500InternalServerError, StatusCode.Internal, errorCode, $"{context}: {ex.Message}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: state store {Store} failed")]
    private partial void LogStoreFailed(string appId, string store, Exception exception);
}
