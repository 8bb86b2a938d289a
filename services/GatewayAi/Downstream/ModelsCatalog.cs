using System.Collections.Concurrent;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// GET /internal/models and /internal/models/{idOrAlias} on models, remembered per name: fresh answers (found or
/// unknown) are reused for <see cref="ModelsCatalogOptions.FreshSeconds"/>, so the hot path rarely pays the hop and a
/// burst of unknown names does not become a run of 404s that trips models' breaker. While models cannot answer, the
/// last descriptor seen is served for up to <see cref="ModelsCatalogOptions.StaleSeconds"/>; a name never seen
/// fails as before (degraded reply). Concurrent misses of one name share one lookup.
/// </summary>
public sealed class ModelsCatalog(
    IHttpClientFactory httpClientFactory, IOptions<ModelsCatalogOptions> options, GatewayMetrics metrics, TimeProvider time) : IModelCatalog
{
    private const string ListKey = "\0list";

    private readonly ConcurrentDictionary<string, Entry<ModelDescriptor?>> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task<ModelDescriptor?>> _modelLookups = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Entry<IReadOnlyList<ModelDescriptor>>> _lists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<ModelDescriptor>>> _listLookups = new(StringComparer.Ordinal);

    public Task<ModelDescriptor?> ResolveAsync(string idOrAlias, CancellationToken cancellationToken) =>
        GetAsync(_models, _modelLookups, idOrAlias, FetchModelAsync, cancellationToken);

    public Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken) =>
        GetAsync(_lists, _listLookups, ListKey, _ => FetchListAsync(), cancellationToken);

    public void Evict()
    {
        _models.Clear();
        _lists.Clear();
    }

    private async Task<T> GetAsync<T>(
        ConcurrentDictionary<string, Entry<T>> entries,
        ConcurrentDictionary<string, Task<T>> lookups,
        string key,
        Func<string, Task<T>> fetch,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        entries.TryGetValue(key, out var known);
        if (known is not null && now - known.At < TimeSpan.FromSeconds(settings.FreshSeconds))
        {
            return known.Value;
        }

        try
        {
            // The shared lookup runs on its own: one caller leaving must not fail the others waiting for it.
            return await lookups.GetOrAdd(key, k => RefreshAsync(entries, lookups, k, fetch)).WaitAsync(cancellationToken);
        }
        catch (DownstreamUnavailableException) when (known is not null && now - known.At < TimeSpan.FromSeconds(settings.StaleSeconds))
        {
            metrics.StaleModelDescriptor();
            return known.Value;
        }
    }

    private async Task<T> RefreshAsync<T>(
        ConcurrentDictionary<string, Entry<T>> entries, ConcurrentDictionary<string, Task<T>> lookups, string key, Func<string, Task<T>> fetch)
    {
        try
        {
            await Task.Yield();
            var value = await fetch(key);
            entries[key] = new Entry<T>(value, time.GetUtcNow());
            return value;
        }
        finally
        {
            lookups.TryRemove(key, out _);
        }
    }

    private Task<ModelDescriptor?> FetchModelAsync(string idOrAlias) =>
        httpClientFactory.CreateClient(AppIds.Models).GetJsonOrDefaultAsync(
            AppIds.Models, $"internal/models/{Uri.EscapeDataString(idOrAlias)}", ContractsJsonContext.Default.ModelDescriptor, CancellationToken.None);

    private async Task<IReadOnlyList<ModelDescriptor>> FetchListAsync() =>
        await httpClientFactory.CreateClient(AppIds.Models).GetJsonOrDefaultAsync(
            AppIds.Models, "internal/models", ContractsJsonContext.Default.ListModelDescriptor, CancellationToken.None) ?? [];

    private sealed record Entry<T>(T Value, DateTimeOffset At);
}
