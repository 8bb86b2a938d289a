using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LocalDapr.Telemetry;

internal static class TelemetryExtensions
{
    /// <summary>
    /// Exports the runtime's spans and metrics over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the same
    /// switch the services use); otherwise nothing listens and the invoke path skips span creation entirely.
    /// </summary>
    public static IServiceCollection AddLocalDaprTelemetry(this IServiceCollection services)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(LocalDaprTelemetry.Name).AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(LocalDaprTelemetry.Name).AddOtlpExporter());
        return services;
    }
}
