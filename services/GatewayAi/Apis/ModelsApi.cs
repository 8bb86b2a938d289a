using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayAi.Apis;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> in OpenAI's shape, from the registry in models. Both need an API key, as OpenAI's do.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/models");
        api.MapGet("/", ListModels).WithName("ListModels").WithSummary("Models available to this key");
        api.MapGet("/{**id}", GetModel).WithName("GetModel").WithSummary("One model by id or alias");
        return api;
    }

    public static async Task<Results<JsonHttpResult<ModelList>, OpenAiErrorResult>> ListModels(HttpContext httpContext, [AsParameters] ModelsServices services)
    {
        try
        {
            if (await services.AuthenticateAsync(httpContext) is { } refusal)
            {
                return refusal;
            }

            var models = await services.Catalog.ListAsync(httpContext.RequestAborted);
            var list = new ModelList { Data = [.. models.Where(m => m.Status != "disabled").Select(ToCard)] };
            return TypedResults.Json(list, ContractsJsonContext.Default.ModelList);
        }
        catch (DownstreamUnavailableException ex)
        {
            return services.Failures.Unavailable(httpContext, ex);
        }
    }

    public static async Task<Results<JsonHttpResult<ModelCard>, OpenAiErrorResult>> GetModel(string id, HttpContext httpContext, [AsParameters] ModelsServices services)
    {
        try
        {
            if (await services.AuthenticateAsync(httpContext) is { } refusal)
            {
                return refusal;
            }

            var model = await services.Catalog.ResolveAsync(id, httpContext.RequestAborted);
            return model is null || model.Status == "disabled"
                ? OpenAiErrors.ModelNotFound(id)
                : TypedResults.Json(ToCard(model), ContractsJsonContext.Default.ModelCard);
        }
        catch (DownstreamUnavailableException ex)
        {
            return services.Failures.Unavailable(httpContext, ex);
        }
    }

    private static ModelCard ToCard(ModelDescriptor model) => new() { Id = model.Id, Created = model.Created, OwnedBy = model.OwnedBy };
}

public sealed class ModelsServices(IApiKeyVerifier keys, IModelCatalog catalog, FailureReplies failures)
{
    public IApiKeyVerifier Keys { get; } = keys;
    public IModelCatalog Catalog { get; } = catalog;
    public FailureReplies Failures { get; } = failures;

    /// <summary>Null when the key is good; otherwise the 401 to send.</summary>
    public async Task<OpenAiErrorResult?> AuthenticateAsync(HttpContext httpContext)
    {
        var bearer = BearerToken.Read(httpContext.Request);
        if (bearer.Key is null)
        {
            return ApiKeyErrors.ForReason(bearer.FailureReason);
        }

        var result = await Keys.VerifyAsync(bearer.Key, httpContext.RequestAborted);
        return result.Valid ? null : ApiKeyErrors.ForResult(result);
    }
}
