using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.Hosting;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.AuthDb);
        builder.Services.AddSingleton<IKeyPepper, SecretStoreKeyPepper>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddStartupTask<BootstrapKeyTask>();
        return builder;
    }
}
