using System.Collections.Concurrent;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Downstream;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Caching;

/// <summary>
/// Keeps resolved model descriptors for a few seconds (<c>Cache:Ttl:ModelDescriptor</c>), so a request whose key
/// decision is cached too reaches its reservation without a serial hop to models. The window is short because model
/// changes are not broadcast to every replica; an unknown model is never cached (it is re-asked every time, so a
/// model registered a second ago works at once). Listing always asks models.
/// </summary>
public sealed class CachedModelCatalog(IModelCatalog inner, IOptions<CacheOptions> options, TimeProvider time) : IModelCatalog
{
    private readonly ConcurrentDictionary<string, (ModelDescriptor Model, DateTimeOffset StoredAt)> _resolved = new(StringComparer.Ordinal);

    public async Task<ModelDescriptor?> ResolveAsync(string idOrAlias, CancellationToken cancellationToken)
    {
        var ttl = options.Value.Ttl.ModelDescriptor;
        if (ttl <= 0)
        {
            return await inner.ResolveAsync(idOrAlias, cancellationToken);
        }

        var now = time.GetUtcNow();
        if (_resolved.TryGetValue(idOrAlias, out var entry) && (now - entry.StoredAt).TotalSeconds < ttl)
        {
            return entry.Model;
        }

        var model = await inner.ResolveAsync(idOrAlias, cancellationToken);
        if (model is null)
        {
            _resolved.TryRemove(idOrAlias, out _);
        }
        else
        {
            _resolved[idOrAlias] = (model, now);
        }

        return model;
    }

    public Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
}
