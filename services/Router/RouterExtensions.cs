using DeepSeek.Dapr.Router.Filtering;
using DeepSeek.Dapr.Router.Limits;
using DeepSeek.Dapr.Router.Proxy;
using DeepSeek.Dapr.ServiceDefaults;
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
        var section = builder.Configuration.GetSection(RouterOptions.SectionName);
        var options = section.Get<RouterOptions>() ?? new RouterOptions();
        builder.Services.Configure<RouterOptions>(section);
        builder.Services.AddSingleton(new IpFilter(options.IpFilter.Allow, options.IpFilter.Deny));
        builder.Services.AddRouterRateLimiting(options.RateLimits);

        var sidecar = DaprSidecarOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<SidecarDestinationFilter>()
            .AddTransforms(context => DaprInvokeTransforms.Apply(context, sidecar, options.RetryAfterSeconds));
        return builder;
    }

    /// <summary>Order matters: cheap refusals (address, size, rate) before any work; unknown paths end in a 404 of the public shape.</summary>
    public static WebApplication MapRouter(this WebApplication app)
    {
        var retryAfter = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value.RetryAfterSeconds;
        app.UseRequestId();
        app.UseMiddleware<IpFilterMiddleware>();
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseRateLimiter();
        app.MapReverseProxy(proxy => proxy.Use((context, next) => SidecarErrors.MapForwarderErrorsAsync(context, () => next(context), retryAfter)));
        app.MapFallback("{**path}", (HttpContext context) => OpenAiErrors.NotFound(
            $"Unknown path '{context.Request.Path}'. See the API reference for the supported endpoints (e.g. POST /v1/chat/completions).",
            "unknown_url"));
        return app;
    }
}
