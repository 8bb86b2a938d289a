using LocalDapr.Abstractions;
using LocalDapr.PubSub.Apis;
using LocalDapr.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalDapr.PubSub;

public static class PubSubExtensions
{
    /// <summary>
    /// Registers IEventPublisher, ISubscriptionRegistry, the pub/sub components (IRuntimeInitializer, order 200),
    /// the declarative subscription check (order 210) and the IAppReadyListener that (re)subscribes apps.
    /// Needs the host's IAppChannel, IResiliencyProvider and ISidecarResolver.
    /// </summary>
    public static IServiceCollection AddLocalDaprPubSub(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PubSubComponentRegistry>();
        services.AddSingleton<IPubSubComponentRegistry>(sp => sp.GetRequiredService<PubSubComponentRegistry>());
        services.AddSingleton<IRuntimeInitializer>(sp => sp.GetRequiredService<PubSubComponentRegistry>());

        services.AddSingleton<EventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());

        services.AddSingleton<SubscriptionManager>();
        services.AddSingleton<ISubscriptionRegistry>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<IAppReadyListener>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<IAppInstanceListener>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<IRuntimeInitializer>(sp => sp.GetRequiredService<SubscriptionManager>());
        return services;
    }

    /// <summary>HTTP publish API: <c>POST /v1.0/publish/{pubsub}/{topic}</c> and bulk publish.</summary>
    public static IEndpointRouteBuilder MapLocalDaprPubSub(this IEndpointRouteBuilder endpoints) => endpoints.MapPublishApi();
}
