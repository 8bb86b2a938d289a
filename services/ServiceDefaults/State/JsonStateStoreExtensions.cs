using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Dapr.ServiceDefaults.State;

public static class JsonStateStoreExtensions
{
    /// <summary>Registers this service's own state store (one per service, named in <c>Components</c>).</summary>
    public static IServiceCollection AddJsonStateStore(this IServiceCollection services, string storeName) =>
        services.AddSingleton<IJsonStateStore>(sp => new DaprJsonStateStore(sp.GetRequiredService<DaprClient>(), storeName));
}
