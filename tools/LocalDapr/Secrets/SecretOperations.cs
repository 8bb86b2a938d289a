using Grpc.Core;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Secrets;

/// <summary>
/// The secrets API as both surfaces run it, with daprd's errors: unknown store → ERR_SECRET_STORE_NOT_FOUND
/// (HTTP 401, gRPC InvalidArgument), missing secret or store failure → ERR_SECRET_GET (500/Internal).
/// </summary>
public sealed class SecretOperations(IComponentRegistry registry, ComponentCallRunner runner)
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public Task<IReadOnlyDictionary<string, string>> GetAsync(string appId, string storeName, string key, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var store = Find(appId, storeName);
        if (string.IsNullOrEmpty(key))
        {
            throw new DaprApiException(DaprApiError.Malformed("secret key is empty"));
        }

        return RunAsync(appId, storeName, $"failed getting secret with key {key} from secret store {storeName}", async token =>
            await store.GetAsync(key, metadata ?? NoMetadata, token) ?? throw new SecretNotFoundException(key), cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(string appId, string storeName, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var store = Find(appId, storeName);
        return RunAsync(appId, storeName, $"failed getting secrets from secret store {storeName}",
            token => store.GetBulkAsync(metadata ?? NoMetadata, token), cancellationToken);
    }

    private ISecretStore Find(string appId, string storeName)
    {
        try
        {
            return registry.GetSecretStore(appId, storeName);
        }
        catch (ComponentNotFoundException)
        {
            throw new DaprApiException(DaprApiError.SecretStoreNotFound(storeName));
        }
    }

    private async Task<T> RunAsync<T>(string appId, string storeName, string context, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.RunAsync(appId, storeName, call, cancellationToken);
        }
        catch (Exception ex) when (ex is not DaprApiException and not OperationCanceledException)
        {
            throw new DaprApiException(new DaprApiError(StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_SECRET_GET", $"{context}: {ex.Message}"));
        }
    }

    private sealed class SecretNotFoundException(string key) : Exception($"secret {key} not found");
}
