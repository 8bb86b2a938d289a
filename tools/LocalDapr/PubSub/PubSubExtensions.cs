using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.PubSub;

// Owned by the pub/sub part. Placeholder signatures agreed with the host.
public static class PubSubExtensions
{
    /// <summary>Registers IEventPublisher, ISubscriptionRegistry, the pub/sub components (as an IRuntimeInitializer) and IAppReadyListener.</summary>
    public static IServiceCollection AddLocalDaprPubSub(this IServiceCollection services) => services;

    /// <summary>HTTP publish API: <c>POST /v1.0/publish/{pubsub}/{topic}</c> and bulk publish.</summary>
    public static IEndpointRouteBuilder MapLocalDaprPubSub(this IEndpointRouteBuilder endpoints) => endpoints;
}
