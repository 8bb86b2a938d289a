using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>Trains or loads the default built-in model right after start, so the first request does not pay for it.</summary>
public sealed partial class BuiltinModelWarmup(BuiltinModelProvider models, ILogger<BuiltinModelWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await models.GetAsync(null, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Requests retry the load themselves; this only makes the failure visible at start.
            LogWarmupFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The built-in model could not be prepared at start")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}

/// <summary>Readiness: inference is ready once the built-in model is in memory.</summary>
public sealed class BuiltinModelHealthCheck(BuiltinModelProvider models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(models.IsDefaultReady
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the built-in model is still being trained or loaded"));
}
