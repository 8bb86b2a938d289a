using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LocalDapr.Secrets;

/// <summary>daprd's HTTP secrets API: <c>GET /v1.0/secrets/{store}/{key}</c> and <c>GET /v1.0/secrets/{store}/bulk</c>.</summary>
public static class SecretsHttpApi
{
    public static IEndpointRouteBuilder MapSecretsHttpApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1.0/secrets/{storeName}").AddEndpointFilter<DaprApiErrorFilter>();
        group.MapGet("/bulk", GetBulkAsync).WithName("DaprSecretsBulkGet");
        group.MapGet("/{key}", GetAsync).WithName("DaprSecretGet");
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string storeName, string key, HttpContext context, [AsParameters] SecretsApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var secret = await services.Operations.GetAsync(app.AppId, storeName, key, QueryMetadata.From(context.Request.Query), context.RequestAborted);
        return Results.Json(new Dictionary<string, string>(secret), DaprJsonContext.Default.DictionaryStringString);
    }

    private static async Task<IResult> GetBulkAsync(string storeName, HttpContext context, [AsParameters] SecretsApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var secrets = await services.Operations.GetBulkAsync(app.AppId, storeName, QueryMetadata.From(context.Request.Query), context.RequestAborted);
        var body = secrets.ToDictionary(s => s.Key, s => new Dictionary<string, string>(s.Value), StringComparer.Ordinal);
        return Results.Json(body, DaprJsonContext.Default.DictionaryStringDictionaryStringString);
    }

}

public sealed record SecretsApiServices([FromServices] ISidecarResolver Resolver, [FromServices] SecretOperations Operations);
