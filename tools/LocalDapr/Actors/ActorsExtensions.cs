using LocalDapr.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalDapr.Actors;

public static class ActorsExtensions
{
    /// <summary>Actor placement (from each app's <c>GET /dapr/config</c>), turn-based calls, state, reminders, timers and idle deactivation.</summary>
    public static IServiceCollection AddLocalDaprActors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ActorTypeRegistry>();
        services.AddSingleton<IAppReadyListener>(sp => sp.GetRequiredService<ActorTypeRegistry>());
        services.AddSingleton<ActorLocks>();
        services.AddSingleton<ActorActivity>();
        services.AddSingleton<ActorPlacement>();
        services.AddSingleton<ActorInvoker>();
        services.AddSingleton<ActorStateStores>();
        services.AddSingleton<ActorState>();
        services.AddSingleton<ActorTimers>();
        services.AddSingleton<ActorReminders>();
        services.AddHostedService<ActorIdleScanner>();
        return services;
    }

    /// <summary><c>/v1.0/actors/...</c> on every sidecar HTTP port.</summary>
    public static IEndpointRouteBuilder MapLocalDaprActors(this IEndpointRouteBuilder endpoints) => endpoints.MapActorsApi();
}
