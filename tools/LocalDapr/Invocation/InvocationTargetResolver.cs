using System.Collections.Concurrent;
using LocalDapr.Abstractions;
using LocalDapr.Resiliency;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Invocation;

/// <summary>
/// daprd's resolution order: an HTTPEndpoint named <c>id</c> in the caller's scope, then an <c>http(s)://</c> URL,
/// then an app-id (<c>app.namespace</c> accepted). Results are cached per (caller, id).
/// </summary>
internal sealed class InvocationTargetResolver(
    HttpEndpointCatalog endpoints,
    ResiliencyProvider resiliency,
    ISidecarResolver sidecars,
    IServiceProvider services)
{
    // Raw URLs come from callers, so the cache is bounded; beyond it targets are resolved per call.
    private const int MaxCachedTargets = 4096;
    private readonly ConcurrentDictionary<(string Caller, string Id), InvocationTarget> _cache = new();

    public ValueTask<InvocationTarget> ResolveAsync(SidecarApp caller, string id, CancellationToken cancellationToken) =>
        _cache.TryGetValue((caller.AppId, id), out var cached)
            ? ValueTask.FromResult(cached)
            : new ValueTask<InvocationTarget>(ResolveSlowAsync(caller, id, cancellationToken));

    private async Task<InvocationTarget> ResolveSlowAsync(SidecarApp caller, string id, CancellationToken cancellationToken)
    {
        var target = await CreateAsync(caller, id, cancellationToken);
        if (_cache.Count < MaxCachedTargets)
        {
            _cache.TryAdd((caller.AppId, id), target);
        }

        return target;
    }

    private async Task<InvocationTarget> CreateAsync(SidecarApp caller, string id, CancellationToken cancellationToken)
    {
        var policies = resiliency.ResolveApp(caller.AppId, id);
        if (endpoints.Find(caller.AppId, id) is { } endpoint)
        {
            var headers = await ResolveHeadersAsync(caller, endpoint, cancellationToken);
            return new InvocationTarget(id, null, endpoint.BaseUrl, headers, null, policies);
        }

        if (id.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || id.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                throw new InvocationTargetException($"'{id}' is not a valid URL");
            }

            return new InvocationTarget(id, null, id.TrimEnd('/'), [], null, policies);
        }

        var appId = id;
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (sidecars.Find(id) is null && dot > 0 && sidecars.Find(id[..dot]) is not null)
        {
            appId = id[..dot];
        }

        return new InvocationTarget(id, appId, null, [], sidecars.Find(appId)?.AppApiToken, policies);
    }

    private async Task<KeyValuePair<string, string>[]> ResolveHeadersAsync(SidecarApp caller, HttpEndpointSpec endpoint, CancellationToken cancellationToken)
    {
        var result = new KeyValuePair<string, string>[endpoint.Headers.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var header = endpoint.Headers[i];
            var value = header.Value
                ?? (header.EnvVar is not null ? Environment.GetEnvironmentVariable(header.EnvVar) ?? throw new InvocationTargetException($"HTTPEndpoint {endpoint.Name}: environment variable {header.EnvVar} is not set") : null)
                ?? await ReadSecretAsync(caller, endpoint, header, cancellationToken);
            result[i] = KeyValuePair.Create(header.Name, value);
        }

        return result;
    }

    private async Task<string> ReadSecretAsync(SidecarApp caller, HttpEndpointSpec endpoint, EndpointHeader header, CancellationToken cancellationToken)
    {
        var registry = services.GetService<IComponentRegistry>()
            ?? throw new InvocationTargetException($"HTTPEndpoint {endpoint.Name}: no secret stores are available");
        ISecretStore store;
        try
        {
            store = registry.GetSecretStore(caller.AppId, endpoint.SecretStore!);
        }
        catch (ComponentNotFoundException ex)
        {
            throw new InvocationTargetException($"HTTPEndpoint {endpoint.Name}: {ex.Message}");
        }

        var secret = await store.GetAsync(header.SecretName!, new Dictionary<string, string>(), cancellationToken);
        return secret is not null && secret.TryGetValue(header.SecretKey!, out var value)
            ? value
            : throw new InvocationTargetException($"HTTPEndpoint {endpoint.Name}: secret {header.SecretName}/{header.SecretKey} not found in secret store {endpoint.SecretStore}");
    }
}
