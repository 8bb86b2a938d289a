using DeepSeek.Dapr.Auth.Apis;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Auth.Secrets;
using DeepSeek.Dapr.Auth.Tokens;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.Hosting;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        // A body that does not bind (bad JSON, missing body) throws, so the shared handler answers 400 in the OpenAI shape.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.AuthDb);
        builder.Services.AddSingleton<IKeyPepper, SecretStoreKeyPepper>();
        builder.Services.AddSingleton<IJwtSigningKey, SecretStoreJwtSigningKey>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddStartupTask<SecretsWarmupTask>();
        builder.Services.AddStartupTask<BootstrapKeyTask>();
        return builder;
    }

    public static WebApplication MapAuth(this WebApplication app)
    {
        app.UseOpenAiStatusCodePages();
        app.MapKeysApi();
        app.MapTokensApi();
        return app;
    }
}
