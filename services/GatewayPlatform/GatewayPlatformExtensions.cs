using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.GatewayPlatform.Apis;
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
        return builder;
    }

    public static WebApplication MapGatewayPlatformApi(this WebApplication app)
    {
        app.UseRequestId();
        app.UseOpenAiStatusCodePages();
        app.MapAccountApi();
        app.MapPlannedApi();
        return app;
    }
}
