using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace DeepSeek.Dapr.ServiceDefaults;

/// <summary>What every DeepSeek.Dapr service sets up the same way: logging, telemetry, health, Dapr, errors.</summary>
public static class ServiceDefaultsExtensions
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.BindAppPort();
        builder.AddDefaultLogging();
        builder.AddDefaultTelemetry();

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default));
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<OpenAiExceptionHandler>();

        // Nagle off on every outgoing connection (see TcpNoDelay): factory clients and DaprClient's gRPC channel.
        // The factory's logging handlers go: their per-call lines are Information, which the Warning override in
        // LoggingExtensions drops anyway, yet they still open a log scope on every call of every hop.
        builder.Services.ConfigureHttpClientDefaults(http => http
            .ConfigurePrimaryHttpMessageHandler(TcpNoDelay.CreateHandler)
            .RemoveAllLoggers());
        builder.Services.AddDaprClient(dapr => dapr
            .UseGrpcChannelOptions(new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = TcpNoDelay.CreateHandler(), DisposeHttpClient = true }));
        builder.Services.AddSingleton<DaprSidecarOptions>(_ => DaprSidecarOptions.FromConfiguration(builder.Configuration));
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy())
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: [ReadyTag]);

        return builder;
    }

    /// <summary><c>/healthz</c> (liveness: the process answers) and <c>/readyz</c> (the sidecar answers too), in every environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => !r.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/readyz");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// Under <c>dapr run</c> (and the local runtime) the app port comes in <c>APP_PORT</c>; elsewhere
    /// (Kubernetes) the usual ASP.NET Core <c>ASPNETCORE_URLS</c>/<c>--urls</c> apply.
    /// </summary>
    private static void BindAppPort(this WebApplicationBuilder builder)
    {
        // Explicit URLs (Kubernetes sets ASPNETCORE_URLS to listen on the pod IP for probes) win.
        if (!string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) || !string.IsNullOrEmpty(builder.Configuration["URLS"]))
        {
            return;
        }

        var port = builder.Configuration["APP_PORT"];
        if (int.TryParse(port, out var p) && p > 0)
        {
            var host = builder.Configuration["APP_CHANNEL_ADDRESS"] is { Length: > 0 } address ? address : "127.0.0.1";
            builder.WebHost.UseUrls($"http://{host}:{p}");
        }
    }
}
