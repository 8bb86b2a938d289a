using LocalDapr.Abstractions;
using LocalDapr.Channel;
using LocalDapr.Invocation;
using LocalDapr.Resiliency;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalDapr.Hosting;

/// <summary>The host's own services: sidecar lookup, app instances, the app channel, health and invocation.</summary>
internal static class LocalDaprCoreExtensions
{
    public static IServiceCollection AddLocalDaprCore(this IServiceCollection services, IReadOnlyCollection<SidecarApp> sidecars)
    {
        var resolver = new SidecarResolver(sidecars);
        services.AddSingleton(resolver);
        services.AddSingleton<ISidecarResolver>(resolver);
        services.AddSingleton<AppInstanceRegistry>();
        services.AddSingleton<IAppInstanceRegistry>(sp => sp.GetRequiredService<AppInstanceRegistry>());
        services.AddSingleton<UpstreamInvoker>();
        services.AddSingleton<IAppChannel, HttpAppChannel>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ResiliencyProvider>();
        services.AddSingleton<IResiliencyProvider>(sp => sp.GetRequiredService<ResiliencyProvider>());
        services.AddSingleton<HttpEndpointCatalog>();
        services.AddSingleton<InvocationTargetResolver>();
        services.AddSingleton<InvocationForwarder>();
        services.AddGrpc();
        services.AddLocalDaprTelemetry();
        return services;
    }

    public static IEndpointRouteBuilder MapLocalDaprCore(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthApi();
        endpoints.MapInvokeApi();
        return endpoints;
    }
}
