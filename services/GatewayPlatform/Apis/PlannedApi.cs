using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// Account-domain paths the router sends here whose features are not built yet: a plain 501 in the OpenAI shape,
/// so a client learns "not available" rather than a misleading 404 or a 500.
/// </summary>
public static class PlannedApi
{
    public static IEndpointRouteBuilder MapPlannedApi(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/fine_tuning/{**rest}", () => OpenAiErrors.NotImplemented("Fine-tuning (/fine_tuning)"))
            .WithName("FineTuningNotAvailable").ExcludeFromDescription();
        app.Map("/v1/files/{**rest}", () => OpenAiErrors.NotImplemented("File upload (/files)"))
            .WithName("FilesNotAvailable").ExcludeFromDescription();
        app.Map("/v1/user/{**rest}", () => OpenAiErrors.NotImplemented("This account endpoint"))
            .WithName("UserEndpointNotAvailable").ExcludeFromDescription();
        return app;
    }
}
