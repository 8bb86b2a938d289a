using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>POST /internal/quota/check on users.</summary>
public sealed class UsersQuotaGate(IHttpClientFactory httpClientFactory) : IQuotaGate
{
    public Task<QuotaDecision> CheckAsync(QuotaCheckRequest request, CancellationToken cancellationToken) =>
        httpClientFactory.CreateClient(AppIds.Users).PostJsonAsync(
            AppIds.Users, "internal/quota/check", request,
            ContractsJsonContext.Default.QuotaCheckRequest, ContractsJsonContext.Default.QuotaDecision, cancellationToken);
}
