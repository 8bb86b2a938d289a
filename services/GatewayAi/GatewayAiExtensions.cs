using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.GatewayAi.Apis;
using DeepSeek.Dapr.GatewayAi.Caching;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.GatewayAi.Streaming;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepSeek.Dapr.GatewayAi;

public static class GatewayAiExtensions
{
    /// <summary>DI of gateway-ai: one sidecar client per downstream app, the request workflow's steps, cache and usage.</summary>
    public static WebApplicationBuilder AddGatewayAi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<GatewayAiOptions>(builder.Configuration.GetSection(GatewayAiOptions.SectionName));
        services.Configure<CacheOptions>(builder.Configuration.GetSection(CacheOptions.SectionName));
        services.Configure<ModelsCatalogOptions>(builder.Configuration.GetSection(ModelsCatalogOptions.SectionName));
        services.Configure<UsageOutboxOptions>(builder.Configuration.GetSection(UsageOutboxOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        foreach (var appId in new[] { AppIds.Auth, AppIds.Users, AppIds.Models, AppIds.Chat, AppIds.Inference })
        {
            services.AddDaprAppClient(appId);
        }

        services.AddSingleton<IApiKeyVerifier, AuthApiKeyVerifier>();
        services.AddSingleton<IModelCatalog, ModelsCatalog>();
        services.AddSingleton<ChatContextClient>();
        services.AddSingleton<InferenceClient>();
        services.AddSingleton<IResponseCache, DaprResponseCache>();
        services.AddSingleton<IUsageEventSender, DaprUsageEventSender>();
        services.AddSingleton<UsageOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageOutbox>());
        services.AddSingleton<IUsagePublisher, DaprUsagePublisher>();

        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<FailureReplies>();
        services.AddSingleton<FallbackMarker>();
        services.AddSingleton<ModelFailover>();
        services.AddSingleton<RequestAdmission>();
        services.AddSingleton<ContextPreparer>();
        services.AddSingleton<CompletionFinisher>();
        services.AddSingleton<StreamingServices>();
        builder.AddAccountsAndDecisions();
        return builder;
    }

    public static WebApplication MapGatewayAiApi(this WebApplication app)
    {
        app.UseRequestId();
        app.UseOpenAiStatusCodePages();
        app.MapChatCompletionsApi();
        app.MapModelsApi();
        app.MapInvalidationApi();
        return app;
    }
}
