using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Components;

// Owned by the state/secrets/gRPC part. Placeholder signatures agreed with the host.
public static class ComponentsExtensions
{
    /// <summary>Registers IComponentRegistry (as an IRuntimeInitializer too), the state stores, secret stores and the gRPC Dapr service.</summary>
    public static IServiceCollection AddLocalDaprComponents(this IServiceCollection services) => services;

    /// <summary>HTTP state, secrets and metadata APIs (<c>/v1.0/state</c>, <c>/v1.0/secrets</c>, <c>/v1.0/metadata</c>) and the gRPC Dapr service.</summary>
    public static IEndpointRouteBuilder MapLocalDaprComponents(this IEndpointRouteBuilder endpoints) => endpoints;
}
