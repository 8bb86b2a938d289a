using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>The model registry in models: resolve an id or alias, list all.</summary>
public interface IModelCatalog
{
    /// <summary>The concrete model, or null when the registry does not know the id or alias.</summary>
    Task<ModelDescriptor?> ResolveAsync(string idOrAlias, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Forget every remembered answer (a model was registered, changed or removed).</summary>
    void Evict();
}
