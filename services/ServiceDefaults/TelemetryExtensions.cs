using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DeepSeek.Dapr.ServiceDefaults;

internal static class TelemetryExtensions
{
    /// <summary>Name of the ActivitySource and Meter every service uses for its own spans and counters.</summary>
    public const string InstrumentationName = "DeepSeek.Dapr";

    public static void AddDefaultTelemetry(this WebApplicationBuilder builder)
    {
        var serviceName = builder.Configuration["APP_ID"] ?? builder.Environment.ApplicationName;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(InstrumentationName)
                .AddPrometheusExporter())
            .WithTracing(t => t
                .AddSource(InstrumentationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsProbe(ctx.Request.Path))
                .AddHttpClientInstrumentation());

        // Export only when a collector is configured: OTLP to nowhere would only cost retries.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
