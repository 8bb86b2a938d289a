using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LocalDapr.Metadata;

/// <summary>daprd's metadata API: <c>GET /v1.0/metadata</c> and <c>PUT /v1.0/metadata/{key}</c> (body = value).</summary>
public static class MetadataHttpApi
{
    public static IEndpointRouteBuilder MapMetadataHttpApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1.0/metadata").AddEndpointFilter<DaprApiErrorFilter>();
        group.MapGet("/", Get).WithName("DaprMetadataGet");
        group.MapPut("/{key}", SetAsync).WithName("DaprMetadataSet");
        return endpoints;
    }

    private static IResult Get(HttpContext context, [AsParameters] MetadataApiServices services) =>
        Results.Json(services.Builder.Build(services.Resolver.Resolve(context)), DaprJsonContext.Default.MetadataResponse);

    private static async Task<IResult> SetAsync(string key, HttpContext context, [AsParameters] MetadataApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        using var reader = new StreamReader(context.Request.Body);
        services.Extended.Set(app.AppId, key, await reader.ReadToEndAsync(context.RequestAborted));
        return Results.NoContent();
    }
}

public sealed record MetadataApiServices(
    [FromServices] ISidecarResolver Resolver,
    [FromServices] MetadataBuilder Builder,
    [FromServices] ExtendedMetadataStore Extended);
