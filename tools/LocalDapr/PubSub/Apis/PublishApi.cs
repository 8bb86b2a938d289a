using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace LocalDapr.PubSub.Apis;

/// <summary>daprd's HTTP publish API: <c>/v1.0/publish/{pubsub}/{topic}</c> and <c>/v1.0-alpha1/publish/bulk/{pubsub}/{topic}</c>.</summary>
public static class PublishApi
{
    private const string MetadataPrefix = "metadata.";

    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder endpoints)
    {
        string[] verbs = ["POST", "PUT"];
        endpoints.MapMethods("/v1.0/publish/{pubsubname}/{**topic}", verbs, PublishAsync).WithName("PublishEvent");
        endpoints.MapMethods("/v1.0/publish/{pubsubname}", verbs, (string pubsubname) =>
            Error(404, "ERR_TOPIC_EMPTY", $"topic is empty in pubsub {pubsubname}"));
        endpoints.MapMethods("/v1.0-alpha1/publish/bulk/{pubsubname}/{**topic}", verbs, BulkPublishAsync).WithName("BulkPublishEvent");
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(HttpContext context, string pubsubname, string topic, ISidecarResolver sidecars, IEventPublisher publisher)
    {
        var app = sidecars.Resolve(context);
        var body = await ReadBodyAsync(context.Request);
        var request = new PublishRequest(app.AppId, pubsubname, topic, body, context.Request.ContentType, MetadataOf(context.Request.Query),
            Header(context, "traceparent"), Header(context, "tracestate"));
        try
        {
            await publisher.PublishAsync(request, context.RequestAborted);
            return Results.NoContent();
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            return ErrorFor(ex, pubsubname, topic);
        }
    }

    private static async Task<IResult> BulkPublishAsync(HttpContext context, string pubsubname, string topic, ISidecarResolver sidecars,
        IPubSubComponentRegistry components, IEventPublisher publisher)
    {
        var app = sidecars.Resolve(context);
        try
        {
            components.Get(app.AppId, pubsubname);
        }
        catch (ComponentNotFoundException ex)
        {
            return ErrorFor(ex, pubsubname, topic);
        }

        JsonArray entries;
        try
        {
            entries = JsonNode.Parse(await ReadBodyAsync(context.Request)) as JsonArray
                ?? throw new JsonException("the body must be a JSON array of entries");
        }
        catch (JsonException ex)
        {
            return Error(400, "ERR_PUBSUB_EVENTS_SER", $"error when unmarshaling the request for topic {topic} pubsub {pubsubname}: {ex.Message}");
        }

        var requestMetadata = MetadataOf(context.Request.Query);
        var requests = new List<(string EntryId, PublishRequest Request)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var entryId = entry["entryId"]?.ToString();
            if (string.IsNullOrEmpty(entryId) || !seen.Add(entryId))
            {
                return Error(400, "ERR_PUBSUB_EVENTS_SER", $"error marshaling events to bytes for topic {topic} pubsub {pubsubname}. error: entryId is duplicated or not present for entry");
            }

            var contentType = entry["contentType"]?.ToString();
            if (EventBytes(entry["event"], contentType) is not { } data)
            {
                return Error(400, "ERR_PUBSUB_EVENTS_SER", $"error marshaling events to bytes for topic {topic} pubsub {pubsubname}. error: entry {entryId}: event cannot be converted for content type '{contentType}'");
            }

            var metadata = new Dictionary<string, string>(requestMetadata, StringComparer.Ordinal);
            foreach (var (key, value) in entry["metadata"] as JsonObject ?? [])
            {
                metadata[key] = value?.ToString() ?? string.Empty;
            }

            requests.Add((entryId, new PublishRequest(app.AppId, pubsubname, topic, data, contentType, metadata, Header(context, "traceparent"), Header(context, "tracestate"))));
        }

        var failed = new JsonArray();
        foreach (var (entryId, request) in requests)
        {
            try
            {
                await publisher.PublishAsync(request, context.RequestAborted);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                failed.Add(new JsonObject { ["entryId"] = entryId, ["error"] = ex.Message });
            }
        }

        return failed.Count == 0
            ? Results.NoContent()
            : Results.Json(new JsonObject { ["failedEntries"] = failed, ["errorCode"] = "ERR_PUBSUB_PUBLISH_MESSAGE" }, statusCode: 500);
    }

    /// <summary>As daprd's ConvertEventToBytes: base64 for binary types, the text of strings, JSON otherwise.</summary>
    private static byte[]? EventBytes(JsonNode? node, string? contentType)
    {
        if (CloudEventEnvelope.IsBinary(contentType))
        {
            try
            {
                return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Convert.FromBase64String(v.GetValue<string>()) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        if (!CloudEventEnvelope.IsJson(contentType) && !CloudEventEnvelope.IsCloudEvent(contentType)
            && node is JsonValue s && s.GetValueKind() == JsonValueKind.String)
        {
            return Encoding.UTF8.GetBytes(s.GetValue<string>());
        }

        return node is null ? null : JsonSerializer.SerializeToUtf8Bytes(node);
    }

    /// <summary>daprd's error for a failed publish: 404 for an unknown pubsub, the request error's code, else 500.</summary>
    internal static IResult ErrorFor(Exception ex, string pubsub, string topic) => ex switch
    {
        ComponentNotFoundException => Error(404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found"),
        PublishRequestException request => Error(request.HttpStatus, request.ErrorCode, request.Message),
        _ => Error(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publishing to topic {topic} in pubsub {pubsub}: {ex.Message}"),
    };

    private static IResult Error(int status, string code, string message) => new DaprErrorResult(status, code, message);

    private static Dictionary<string, string> MetadataOf(IQueryCollection query) =>
        query.Where(q => q.Key.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) && q.Key.Length > MetadataPrefix.Length)
            .ToDictionary(q => q.Key[MetadataPrefix.Length..], q => q.Value.ToString(), StringComparer.Ordinal);

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out StringValues value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private sealed class DaprErrorResult(int status, string code, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => DaprErrors.WriteAsync(httpContext, status, code, message);
    }
}
