using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalDapr.PubSub;

/// <summary>
/// CloudEvents 1.0 envelopes as components-contrib <c>pubsub/envelope.go</c> builds them (NewCloudEventsEnvelope,
/// FromCloudEvent, FromRawPayload, HasExpired), plus the <c>time</c> attribute daprd adds.
/// </summary>
public static class CloudEventEnvelope
{
    public const string MediaType = "application/cloudevents+json";
    public const string DefaultType = "com.dapr.event.sent";
    public const string DefaultSource = "Dapr";
    public const string DefaultDataContentType = "text/plain";

    public static JsonObject Create(string source, string topic, string pubsub, ReadOnlyMemory<byte> data, string? dataContentType, string traceParent, string? traceState, DateTimeOffset now)
    {
        var contentType = string.IsNullOrWhiteSpace(dataContentType) ? DefaultDataContentType : dataContentType;
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["specversion"] = "1.0",
            ["datacontenttype"] = contentType,
            ["source"] = source,
            ["type"] = DefaultType,
            ["topic"] = topic,
            ["pubsubname"] = pubsub,
            ["traceid"] = traceParent,
            ["traceparent"] = traceParent,
            ["tracestate"] = traceState ?? string.Empty,
            ["time"] = Rfc3339(now),
        };

        if (IsJson(contentType) && TryParseJson(data, out var json))
        {
            envelope["data"] = json;
        }
        else if (IsBinary(contentType))
        {
            envelope["data_base64"] = Convert.ToBase64String(data.Span);
        }
        else
        {
            envelope["data"] = Encoding.UTF8.GetString(data.Span);
        }

        return envelope;
    }

    /// <summary>An event that already is a CloudEvent keeps its attributes; routing and trace fields are set, missing ones defaulted.</summary>
    public static JsonObject FromCloudEvent(ReadOnlyMemory<byte> cloudEvent, string source, string topic, string pubsub, string traceParent, string? traceState, DateTimeOffset now)
    {
        if (!TryParseJson(cloudEvent, out var node) || node is not JsonObject envelope)
        {
            throw new FormatException("the data is declared as application/cloudevents+json but is not a JSON object");
        }

        envelope["traceid"] = traceParent;
        envelope["traceparent"] = traceParent;
        envelope["tracestate"] = traceState ?? string.Empty;
        envelope["topic"] = topic;
        envelope["pubsubname"] = pubsub;
        SetIfMissing(envelope, "id", Guid.NewGuid().ToString());
        SetIfMissing(envelope, "source", source);
        SetIfMissing(envelope, "type", DefaultType);
        SetIfMissing(envelope, "specversion", "1.0");
        SetIfMissing(envelope, "time", Rfc3339(now));
        return envelope;
    }

    /// <summary>What a <c>rawPayload</c> subscriber gets: the stored bytes as <c>data_base64</c>, typed octet-stream.</summary>
    public static JsonObject FromRawPayload(ReadOnlyMemory<byte> data, string topic, string pubsub) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["specversion"] = "1.0",
        ["datacontenttype"] = "application/octet-stream",
        ["source"] = DefaultSource,
        ["type"] = DefaultType,
        ["topic"] = topic,
        ["pubsubname"] = pubsub,
        ["data_base64"] = Convert.ToBase64String(data.Span),
    };

    public static void SetExpiration(JsonObject envelope, TimeSpan ttl, DateTimeOffset now) =>
        envelope["expiration"] = Rfc3339(now.Add(ttl));

    public static bool HasExpired(JsonObject envelope, DateTimeOffset now) =>
        envelope["expiration"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
        && DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration)
        && expiration < now;

    public static bool IsCloudEvent(string? contentType) => MediaTypeOf(contentType) == MediaType;

    public static bool IsJson(string? contentType)
    {
        var media = MediaTypeOf(contentType);
        return media is not null && (media == "application/json" || media == "text/json" || media.EndsWith("+json", StringComparison.Ordinal));
    }

    public static bool IsBinary(string? contentType) =>
        MediaTypeOf(contentType) is "application/octet-stream" or "application/x-protobuf" or "application/protobuf";

    /// <summary>A W3C traceparent for the event: the caller's, else the current activity's, else a new root.</summary>
    public static string TraceParentOrNew(string? traceParent) =>
        !string.IsNullOrWhiteSpace(traceParent) ? traceParent
        : Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id!
        : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    /// <summary>Go's RFC 3339 rendering of a UTC time (second precision, <c>Z</c>).</summary>
    private static string Rfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? MediaTypeOf(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;

    private static bool TryParseJson(ReadOnlyMemory<byte> data, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(data.Span);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    private static void SetIfMissing(JsonObject envelope, string name, string value)
    {
        if (envelope[name] is null)
        {
            envelope[name] = value;
        }
    }
}
