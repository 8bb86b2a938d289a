using Dapr;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Models.Registry;

/// <summary>A registration the registry refused, with every reason.</summary>
public sealed class ModelRegistrationException(IReadOnlyList<ModelProblem> problems)
    : Exception(string.Join(" ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<ModelProblem> Problems { get; } = problems;
}

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    ConfiguredOnly,
}

/// <summary>
/// The registry: configured models plus runtime registrations kept in <c>models-db</c> as one document (written with
/// its ETag, so concurrent registrations never overwrite each other). Every chat request resolves a model here, so
/// the runtime part is cached briefly and dropped on every <c>model-updated</c> event; if the store cannot be read,
/// the last known registrations (or only the configured models) keep requests flowing.
/// </summary>
public sealed partial class ModelRegistry(
    ConfiguredModels configured,
    IJsonStateStore store,
    DaprClient dapr,
    TimeProvider time,
    ILogger<ModelRegistry> logger)
{
    public const string RegistryKey = "registry";

    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedRuntime? _cache;
    private IReadOnlyList<ModelDescriptor> _lastRuntime = [];

    public async Task<ModelCatalog> CatalogAsync(CancellationToken cancellationToken)
    {
        var cached = _cache;
        if (cached is not null && cached.Expires > time.GetUtcNow())
        {
            return cached.Catalog;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            cached = _cache;
            if (cached is not null && cached.Expires > time.GetUtcNow())
            {
                return cached.Catalog;
            }

            IReadOnlyList<ModelDescriptor> runtime;
            try
            {
                runtime = (await store.GetAsync(RegistryKey, ContractsJsonContext.Default.ListModelDescriptor, cancellationToken)).Value ?? [];
            }
            catch (DaprException ex)
            {
                LogStoreUnavailable(logger, ex);
                runtime = _lastRuntime;
            }

            _lastRuntime = runtime;
            var catalog = new ModelCatalog(configured.Models, runtime);
            _cache = new CachedRuntime(catalog, time.GetUtcNow() + CacheLifetime);
            return catalog;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Invalidate() => _cache = null;

    public async Task<ModelDescriptor> PutAsync(ModelDescriptor model, CancellationToken cancellationToken)
    {
        model = model with { Aliases = model.Aliases ?? [], Created = model.Created > 0 ? model.Created : time.GetUtcNow().ToUnixTimeSeconds() };
        if (ModelDescriptorValidator.Validate(model) is { Count: > 0 } problems)
        {
            throw new ModelRegistrationException(problems);
        }

        await OptimisticConcurrency.RetryAsync("register model", async ct =>
        {
            var entry = await store.GetAsync(RegistryKey, ContractsJsonContext.Default.ListModelDescriptor, ct);
            var others = (entry.Value ?? []).Where(m => !SameId(m, model.Id)).ToList();
            var catalog = new ModelCatalog(configured.Models.Where(m => !SameId(m, model.Id)), others);
            if (catalog.Conflicts(model) is { Count: > 0 } conflicts)
            {
                throw new ModelRegistrationException(conflicts);
            }

            var committed = await store.TryCommitAsync(
                [StateOperation.Put(RegistryKey, [.. others, model], ContractsJsonContext.Default.ListModelDescriptor, entry.ETag)], ct);
            return committed ? Attempt<bool>.Done(true) : Attempt<bool>.Conflict();
        }, cancellationToken);

        await ChangedAsync(model.Id, cancellationToken);
        LogRegistered(logger, model.Id, model.Backend.Kind);
        return model;
    }

    public async Task<DeleteOutcome> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var outcome = await OptimisticConcurrency.RetryAsync("delete model", async ct =>
        {
            var entry = await store.GetAsync(RegistryKey, ContractsJsonContext.Default.ListModelDescriptor, ct);
            var runtime = entry.Value ?? [];
            var remaining = runtime.Where(m => !SameId(m, id)).ToList();
            if (remaining.Count == runtime.Count)
            {
                var isConfigured = configured.Models.Any(m => SameId(m, id));
                return Attempt<DeleteOutcome>.Done(isConfigured ? DeleteOutcome.ConfiguredOnly : DeleteOutcome.NotFound);
            }

            var committed = await store.TryCommitAsync(
                [StateOperation.Put(RegistryKey, remaining, ContractsJsonContext.Default.ListModelDescriptor, entry.ETag)], ct);
            return committed ? Attempt<DeleteOutcome>.Done(DeleteOutcome.Deleted) : Attempt<DeleteOutcome>.Conflict();
        }, cancellationToken);

        if (outcome == DeleteOutcome.Deleted)
        {
            await ChangedAsync(id, cancellationToken);
            LogDeleted(logger, id);
        }

        return outcome;
    }

    private static bool SameId(ModelDescriptor model, string id) => string.Equals(model.Id, id, StringComparison.OrdinalIgnoreCase);

    /// <summary>Drops this instance's cache and tells everyone else (other replicas, gateways) to drop theirs.</summary>
    private async Task ChangedAsync(string id, CancellationToken cancellationToken)
    {
        Invalidate();
        try
        {
            await dapr.PublishEventAsync(Components.Broadcast, Topics.ModelUpdated, new ModelUpdated(id, time.GetUtcNow()), cancellationToken);
        }
        catch (DaprException ex)
        {
            // The change is stored; other instances still pick it up when their short cache expires.
            LogPublishFailed(logger, ex, id);
        }
    }

    private sealed record CachedRuntime(ModelCatalog Catalog, DateTimeOffset Expires);

    [LoggerMessage(Level = LogLevel.Warning, Message = "models-db could not be read; serving the configured models and the last known registrations")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} registered (backend {Kind})")]
    private static partial void LogRegistered(ILogger logger, string modelId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} removed from the runtime registry")]
    private static partial void LogDeleted(ILogger logger, string modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish model-updated for {ModelId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string modelId);
}
