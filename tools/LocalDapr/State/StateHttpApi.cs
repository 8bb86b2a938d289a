using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LocalDapr.State;

/// <summary>
/// daprd's HTTP state API: <c>GET/POST|PUT/DELETE /v1.0/state/{store}[/{key}]</c>, <c>POST /v1.0/state/{store}/bulk</c>,
/// <c>POST|PUT /v1.0/state/{store}/transaction</c>. Values are stored as the JSON text of <c>value</c>, which is
/// what the SDK stores over gRPC too, so both APIs read each other's data.
/// </summary>
public static class StateHttpApi
{
    public static IEndpointRouteBuilder MapStateHttpApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1.0/state/{storeName}").AddEndpointFilter<DaprApiErrorFilter>();
        group.MapPost("/bulk", GetBulkAsync).WithName("DaprStateBulkGet");
        group.MapMethods("/transaction", ["POST", "PUT"], TransactAsync).WithName("DaprStateTransaction");
        group.MapGet("/{key}", GetAsync).WithName("DaprStateGet");
        group.MapDelete("/{key}", DeleteAsync).WithName("DaprStateDelete");
        group.MapMethods("/", ["POST", "PUT"], SaveAsync).WithName("DaprStateSave");
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string storeName, string key, HttpContext context, [AsParameters] StateApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var entry = await services.Operations.GetAsync(app.AppId, storeName, key, context.RequestAborted);
        if (entry is null)
        {
            return Results.NoContent();
        }

        context.Response.Headers.ETag = entry.ETag;
        if (entry.ExpiresAt is { } expires)
        {
            context.Response.Headers["metadata.ttlExpireTime"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        return Results.Bytes(entry.Value.ToArray(), "application/json");
    }

    private static async Task<IResult> SaveAsync(string storeName, HttpContext context, [AsParameters] StateApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var items = await ReadBodyAsync(context, DaprJsonContext.Default.ListHttpStateItem) ?? [];
        var queryMetadata = QueryMetadata.From(context.Request.Query);
        var writes = items.Select(i => ToWrite(i, queryMetadata)).ToArray();
        await services.Operations.SaveAsync(app.AppId, storeName, writes, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string storeName, string key, HttpContext context, [AsParameters] StateApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var etag = context.Request.Headers.IfMatch.ToString();
        var delete = new StateDelete(key, etag.Length > 0 ? etag : null, StateRequests.ParseConcurrency(context.Request.Query["concurrency"]));
        await services.Operations.DeleteAsync(app.AppId, storeName, [delete], context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetBulkAsync(string storeName, HttpContext context, [AsParameters] StateApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var request = await ReadBodyAsync(context, DaprJsonContext.Default.HttpBulkGetRequest);
        var keys = request?.Keys ?? [];
        var entries = await services.Operations.GetBulkAsync(app.AppId, storeName, keys, context.RequestAborted);
        var items = keys.Select((key, i) => entries[i] is { } e
            ? new HttpBulkGetItem(key, ToJsonNode(e.Value), e.ETag, null, null)
            : new HttpBulkGetItem(key, null, null, null, null)).ToList();
        return Results.Json(items, DaprJsonContext.Default.ListHttpBulkGetItem);
    }

    private static async Task<IResult> TransactAsync(string storeName, HttpContext context, [AsParameters] StateApiServices services)
    {
        var app = services.Resolver.Resolve(context);
        var request = await ReadBodyAsync(context, DaprJsonContext.Default.HttpTransactionRequest);
        var operations = (request?.Operations ?? []).Select(o => ToOperation(o, request?.Metadata)).ToArray();
        await services.Operations.TransactAsync(app.AppId, storeName, operations, context.RequestAborted);
        return Results.NoContent();
    }

    private static StateOperation ToOperation(HttpTransactionOperation operation, Dictionary<string, string>? requestMetadata)
    {
        var item = operation.Request ?? throw new DaprApiException(DaprApiError.Malformed("transaction operation has no request"));
        return operation.Operation?.ToLowerInvariant() switch
        {
            "upsert" => new UpsertOperation(ToWrite(item, requestMetadata)),
            "delete" => new DeleteOperation(new StateDelete(item.Key ?? string.Empty, Blank(item.Etag), StateRequests.ParseConcurrency(item.Options?.Concurrency))),
            _ => throw new DaprApiException(DaprApiError.UnsupportedStateOperation(operation.Operation ?? string.Empty)),
        };
    }

    private static StateWrite ToWrite(HttpStateItem item, IReadOnlyDictionary<string, string>? defaults)
    {
        var metadata = new Dictionary<string, string>(defaults ?? new Dictionary<string, string>());
        foreach (var (k, v) in item.Metadata ?? [])
        {
            metadata[k] = v;
        }

        var value = item.Value is { } json ? Encoding.UTF8.GetBytes(json.GetRawText()) : "null"u8.ToArray();
        return new StateWrite(item.Key ?? string.Empty, value, Blank(item.Etag),
            StateRequests.ParseConcurrency(item.Options?.Concurrency), StateRequests.TtlSeconds(metadata));
    }


    private static async Task<T?> ReadBodyAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (context.Request.ContentLength == 0)
        {
            return default;
        }

        return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
    }

    private static JsonNode? ToJsonNode(ReadOnlyMemory<byte> value) =>
        JsonBytes.IsJson(value.Span) ? JsonNode.Parse(value.Span) : JsonValue.Create(Encoding.UTF8.GetString(value.Span));

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>What the state handlers need, bound with [AsParameters].</summary>
public sealed record StateApiServices([FromServices] ISidecarResolver Resolver, [FromServices] StateOperations Operations);
