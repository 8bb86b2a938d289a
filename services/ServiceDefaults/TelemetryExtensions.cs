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
                .AddPrometheusExporter());

        // Spans are recorded only when a collector takes them. Without one, a tracer provider would still build and tag
        // an activity for every request and every outgoing call (measured on gateway-ai under the benchmark) only to
        // drop it. Trace context still flows without it: ASP.NET Core starts the request's activity from the
        // sidecar's traceparent for its log scopes, and HttpClient forwards the current activity's context.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(t => t
                    .AddSource(InstrumentationName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsProbe(ctx.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
