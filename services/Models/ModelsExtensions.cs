using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Models.Registry;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Models;

public static class ModelsExtensions
{
    /// <summary>Default <c>created</c> of configured models that do not set one (2025-01-01T00:00:00Z).</summary>
    private const long DefaultCreated = 1735689600;

    public static WebApplicationBuilder AddModels(this WebApplicationBuilder builder)
    {
        // Loaded eagerly: a broken registry configuration must stop the service at start, not fail requests later.
        builder.Services.AddSingleton(ConfiguredModels.Load(builder.Configuration, DefaultCreated));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.ModelsDb);
        builder.Services.AddSingleton<ModelRegistry>();
        return builder;
    }
}
