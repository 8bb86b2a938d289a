using DeepSeek.Dapr.GatewayAi.Downstream;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Caching;

public static class ModelCatalogCaching
{
    /// <summary>
    /// Wraps whatever <see cref="IModelCatalog"/> is registered so far in <see cref="CachedModelCatalog"/>, keeping
    /// its own lifetime and construction (the catalog itself stays unaware of the cache).
    /// </summary>
    public static IServiceCollection DecorateModelCatalogWithCache(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IModelCatalog));
        if (registered is null)
        {
            return services;
        }

        services.Remove(registered);
        services.AddSingleton<IModelCatalog>(sp => new CachedModelCatalog(
            Create(sp, registered), sp.GetRequiredService<IOptions<CacheOptions>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static IModelCatalog Create(IServiceProvider sp, ServiceDescriptor registered) =>
        registered.ImplementationInstance as IModelCatalog
        ?? registered.ImplementationFactory?.Invoke(sp) as IModelCatalog
        ?? (IModelCatalog)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
}
