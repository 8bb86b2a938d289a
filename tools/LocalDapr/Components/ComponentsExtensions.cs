using LocalDapr.Abstractions;
using LocalDapr.Grpc;
using LocalDapr.Metadata;
using LocalDapr.Secrets;
using LocalDapr.State;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalDapr.Components;

public static class ComponentsExtensions
{
    /// <summary>Registers IComponentRegistry (as an IRuntimeInitializer too), the state stores, secret stores and the gRPC Dapr service.</summary>
    public static IServiceCollection AddLocalDaprComponents(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StateStoreFactory>();
        services.AddSingleton<ComponentRegistry>();
        services.AddSingleton<IComponentRegistry>(sp => sp.GetRequiredService<ComponentRegistry>());
        services.AddSingleton<IRuntimeInitializer>(sp => sp.GetRequiredService<ComponentRegistry>());
        services.AddSingleton<ComponentCallRunner>();
        services.AddSingleton<StateOperations>();
        services.AddSingleton<SecretOperations>();
        services.AddSingleton<ExtendedMetadataStore>();
        services.AddSingleton<MetadataBuilder>();

        services.AddGrpc();
        services.AddScoped<DaprGrpcService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprGrpcService>, DaprServiceMethodProvider>());
        return services;
    }

    /// <summary>HTTP state, secrets and metadata APIs (<c>/v1.0/state</c>, <c>/v1.0/secrets</c>, <c>/v1.0/metadata</c>) and the gRPC Dapr service.</summary>
    public static IEndpointRouteBuilder MapLocalDaprComponents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStateHttpApi();
        endpoints.MapSecretsHttpApi();
        endpoints.MapMetadataHttpApi();
        endpoints.MapGrpcService<DaprGrpcService>();
        return endpoints;
    }
}
