using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Models.Registry;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepSeek.Dapr.Models.Apis;

/// <summary>The registry over service invocation: list, resolve (id or alias), register and remove models.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/models");
        api.MapGet("/", ListAsync).WithName("ListModels").WithSummary("Active models (all models with include_inactive=true)");
        api.MapGet("/{idOrAlias}", GetAsync).WithName("GetModel").WithSummary("Resolve a model id or alias to its descriptor");
        api.MapPut("/{id}", PutAsync).WithName("PutModel").WithSummary("Register or replace a runtime model");
        api.MapDelete("/{id}", DeleteAsync).WithName("DeleteModel").WithSummary("Remove a runtime model");
        return app;
    }

    public static async Task<Ok<List<ModelDescriptor>>> ListAsync(
        ModelRegistry registry, [FromQuery(Name = "include_inactive")] bool? includeInactive, CancellationToken cancellationToken)
    {
        var catalog = await registry.CatalogAsync(cancellationToken);
        return TypedResults.Ok(catalog.Models.Where(m => includeInactive == true || m.Status == "active").ToList());
    }

    /// <summary>Resolves only active models: a disabled or still-training model answers like an unknown one.</summary>
    public static async Task<Results<Ok<ModelDescriptor>, OpenAiErrorResult>> GetAsync(
        string idOrAlias, ModelRegistry registry, [FromQuery(Name = "include_inactive")] bool? includeInactive, CancellationToken cancellationToken)
    {
        var catalog = await registry.CatalogAsync(cancellationToken);
        return catalog.Find(idOrAlias) is { } model && (model.Status == "active" || includeInactive == true)
            ? TypedResults.Ok(model)
            : OpenAiErrors.ModelNotFound(idOrAlias);
    }

    public static async Task<Results<Ok<ModelDescriptor>, OpenAiErrorResult>> PutAsync(
        string id, ModelDescriptor model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!string.Equals(model.Id, id, StringComparison.Ordinal))
        {
            return OpenAiErrors.BadRequest($"The id in the body ('{model.Id}') must match the id in the path ('{id}').", "id");
        }

        try
        {
            return TypedResults.Ok(await registry.PutAsync(model, cancellationToken));
        }
        catch (ModelRegistrationException ex)
        {
            return OpenAiErrors.BadRequest(ex.Message, ex.Problems[0].Param, "invalid_model");
        }
    }

    public static async Task<Results<NoContent, OpenAiErrorResult>> DeleteAsync(string id, ModelRegistry registry, CancellationToken cancellationToken) =>
        await registry.DeleteAsync(id, cancellationToken) switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.ConfiguredOnly => OpenAiErrors.BadRequest(
                $"The model '{id}' comes from configuration (Models:Registry) and cannot be deleted at runtime; register it with status 'disabled' to hide it.",
                "id",
                "model_configured"),
            _ => OpenAiErrors.NotFound($"The model '{id}' is not registered at runtime.", "model_not_found", "id"),
        };
}
