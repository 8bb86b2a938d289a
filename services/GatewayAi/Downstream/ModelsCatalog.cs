using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>GET /internal/models and /internal/models/{idOrAlias} on models.</summary>
public sealed class ModelsCatalog(IHttpClientFactory httpClientFactory) : IModelCatalog
{
    public Task<ModelDescriptor?> ResolveAsync(string idOrAlias, CancellationToken cancellationToken) =>
        httpClientFactory.CreateClient(AppIds.Models).GetJsonOrDefaultAsync(
            AppIds.Models, $"internal/models/{Uri.EscapeDataString(idOrAlias)}", ContractsJsonContext.Default.ModelDescriptor, cancellationToken);

    public async Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken) =>
        await httpClientFactory.CreateClient(AppIds.Models).GetJsonOrDefaultAsync(
            AppIds.Models, "internal/models", ContractsJsonContext.Default.ListModelDescriptor, cancellationToken) ?? [];
}
