using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.GatewayPlatform.Admin;
using DeepSeek.Dapr.GatewayPlatform.Apis;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.GatewayPlatform.OpenApi;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayPlatform;

public static class GatewayPlatformExtensions
{
    public static WebApplicationBuilder AddGatewayPlatform(this WebApplicationBuilder builder)
    {
        builder.Services.AddDaprAppClient(AppIds.Auth);
        builder.Services.AddDaprAppClient(AppIds.Users);
        builder.Services.AddSingleton<IApiKeyVerifier, AuthApiKeyVerifier>();
        builder.Services.AddSingleton<AdminCredentialVerifier>();
        builder.Services.AddSingleton<InternalApi>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(GatewayPlatformJsonContext.Default));
        builder.Services.AddPlatformOpenApi();
        return builder;
    }

    public static WebApplication MapGatewayPlatformApi(this WebApplication app)
    {
        app.UseRequestId();
        app.UseOpenAiStatusCodePages();
        app.MapAccountApi();
        app.MapAdminApi();
        app.MapPlannedApi();
        app.MapPlatformDocs();
        return app;
    }
}
