using DeepSeek.Dapr.Router.Admission;
using DeepSeek.Dapr.Router.Filtering;
using DeepSeek.Dapr.Router.Limits;
using DeepSeek.Dapr.Router.Proxy;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.Http;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Router;

public static class RouterExtensions
{
    /// <summary>
    /// The edge: YARP routes and clusters from the <c>ReverseProxy</c> configuration section (appsettings.json),
    /// with every cluster pointed at this app's sidecar and every path rewritten to a Dapr invocation.
    /// </summary>
    public static WebApplicationBuilder AddRouter(this WebApplicationBuilder builder)
    {
        // Everything reads configuration when first used, so settings added after this call (tests, hosting) apply.
        builder.Services.Configure<RouterOptions>(builder.Configuration.GetSection(RouterOptions.SectionName));
        builder.Services.AddSingleton(sp =>
        {
            var filter = sp.GetRequiredService<IOptions<RouterOptions>>().Value.IpFilter;
            return new IpFilter(filter.Allow, filter.Deny);
        });
        builder.Services.AddRouterRateLimiting();
        builder.Services.Configure<AdmissionOptions>(builder.Configuration.GetSection(AdmissionOptions.SectionName));
        builder.Services.AddSingleton<AdmissionMetrics>();
        builder.Services.AddSingleton<EdgeAdmission>();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .ConfigureHttpClient((_, handler) => handler.ConnectCallback = TcpNoDelay.ConnectAsync)
            .AddConfigFilter<SidecarDestinationFilter>()
            .AddTransforms(context => DaprInvokeTransforms.Apply(
                context,
                context.Services.GetRequiredService<DaprSidecarOptions>(),
                context.Services.GetRequiredService<IOptions<RouterOptions>>().Value.RetryAfterSeconds));
        return builder;
    }

    /// <summary>Order matters: cheap refusals (address, size, rate) before any work, then admission per cluster (a
    /// shed request never reaches the sidecar); unknown paths end in a 404 of the public shape.</summary>
    public static WebApplication MapRouter(this WebApplication app)
    {
        var retryAfter = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value.RetryAfterSeconds;
        app.UseRequestId();
        app.UseMiddleware<IpFilterMiddleware>();
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseRateLimiter();
        var admission = app.Services.GetRequiredService<EdgeAdmission>();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => admission.InvokeAsync(context, () => next(context)));
            proxy.Use((context, next) => SidecarErrors.MapForwarderErrorsAsync(context, () => next(context), retryAfter));
        });
        app.MapFallback("{**path}", (HttpContext context) => OpenAiErrors.NotFound(
            $"Unknown path '{context.Request.Path}'. See the API reference for the supported endpoints (e.g. POST /v1/chat/completions).",
            "unknown_url"));
        return app;
    }
}
