using LocalDapr.Abstractions;
using LocalDapr.PubSub.Apis;
using LocalDapr.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly;

namespace LocalDapr.PubSub;

public static class PubSubExtensions
{
    /// <summary>Registers IEventPublisher, ISubscriptionRegistry, the pub/sub components (as an IRuntimeInitializer) and IAppReadyListener.</summary>
    public static IServiceCollection AddLocalDaprPubSub(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PubSubComponentRegistry>();
        services.AddSingleton<IPubSubComponentRegistry>(sp => sp.GetRequiredService<PubSubComponentRegistry>());
        services.AddSingleton<IRuntimeInitializer>(sp => sp.GetRequiredService<PubSubComponentRegistry>());

        services.AddSingleton(sp => new EventPublisher(
            sp.GetRequiredService<IPubSubComponentRegistry>(), ResiliencyOf(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());

        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SubscriptionManager>(sp, ResiliencyOf(sp)));
        services.AddSingleton<ISubscriptionRegistry>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<IAppReadyListener>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<IRuntimeInitializer>(sp => sp.GetRequiredService<SubscriptionManager>());
        return services;
    }

    /// <summary>HTTP publish API: <c>POST /v1.0/publish/{pubsub}/{topic}</c> and bulk publish.</summary>
    public static IEndpointRouteBuilder MapLocalDaprPubSub(this IEndpointRouteBuilder endpoints) => endpoints.MapPublishApi();

    /// <summary>The host's resiliency provider; without one (a runtime built without Resiliency support) nothing is retried.</summary>
    private static IResiliencyProvider ResiliencyOf(IServiceProvider services) =>
        services.GetService<IResiliencyProvider>() ?? NoResiliency.Instance;

    private sealed class NoResiliency : IResiliencyProvider
    {
        public static readonly NoResiliency Instance = new();

        public ResiliencePipeline ForApp(string callerAppId, string targetAppId) => ResiliencePipeline.Empty;

        public ResiliencePipeline ForComponent(string callerAppId, string componentName, ComponentDirection direction) => ResiliencePipeline.Empty;
    }
}
