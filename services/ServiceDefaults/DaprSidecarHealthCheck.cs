using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeepSeek.Dapr.ServiceDefaults;

/// <summary>Readiness: the app is ready only when its sidecar answers.</summary>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await dapr.CheckHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Dapr sidecar is not answering");
}
