using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// Quota, balance and permission check in users. An interface so the resilience fallback (a conservative local
/// allowance while users is down) can decorate it.
/// </summary>
public interface IQuotaGate
{
    Task<QuotaDecision> CheckAsync(QuotaCheckRequest request, CancellationToken cancellationToken);
}
