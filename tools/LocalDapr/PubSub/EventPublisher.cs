using System.Globalization;
using System.Text.Json;
using LocalDapr.Abstractions;

namespace LocalDapr.PubSub;

/// <summary>
/// daprd's publish path: wrap in a CloudEvent unless <c>rawPayload=true</c> (or pass an existing CloudEvent through),
/// stamp <c>expiration</c> from <c>ttlInSeconds</c>, and hand the bytes to the component under the app's outbound
/// resiliency policy for that component.
/// </summary>
public sealed class EventPublisher(IPubSubComponentRegistry components, IResiliencyProvider resiliency, TimeProvider time) : IEventPublisher
{
    public async Task PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.PubSubName))
        {
            throw new PublishRequestException("ERR_PUBSUB_EMPTY", "pubsub name is empty", 404);
        }

        var component = components.Get(request.SourceAppId, request.PubSubName);
        if (string.IsNullOrEmpty(request.Topic))
        {
            throw new PublishRequestException("ERR_TOPIC_EMPTY", $"topic is empty in pubsub {request.PubSubName}", 404);
        }

        var data = Envelope(request);
        var message = new PubSubMessage(request.Topic, data, request.Metadata);
        var pipeline = resiliency.ForComponent(request.SourceAppId, request.PubSubName, ComponentDirection.Outbound);
        await pipeline.ExecuteAsync(async ct => await component.PublishAsync(message, ct), cancellationToken);
    }

    /// <summary>Sends bytes that already are the stored form (a dead-lettered message) to another topic unchanged.</summary>
    public async Task ForwardAsync(string appId, string pubsubName, string topic, PubSubMessage original, CancellationToken cancellationToken)
    {
        var component = components.Get(appId, pubsubName);
        var pipeline = resiliency.ForComponent(appId, pubsubName, ComponentDirection.Outbound);
        var message = original with { Topic = topic };
        await pipeline.ExecuteAsync(async ct => await component.PublishAsync(message, ct), cancellationToken);
    }

    private ReadOnlyMemory<byte> Envelope(PublishRequest request)
    {
        if (IsRawPayload(request.Metadata))
        {
            return request.Data;
        }

        var now = time.GetUtcNow();
        var traceParent = CloudEventEnvelope.TraceParentOrNew(request.TraceParent);
        System.Text.Json.Nodes.JsonObject envelope;
        if (CloudEventEnvelope.IsCloudEvent(request.DataContentType))
        {
            try
            {
                envelope = CloudEventEnvelope.FromCloudEvent(request.Data, request.SourceAppId, request.Topic, request.PubSubName, traceParent, request.TraceState, now);
            }
            catch (FormatException ex)
            {
                throw new PublishRequestException("ERR_PUBSUB_CLOUD_EVENTS_SER", $"cannot create cloudevent: {ex.Message}", 500);
            }
        }
        else
        {
            envelope = CloudEventEnvelope.Create(request.SourceAppId, request.Topic, request.PubSubName, request.Data, request.DataContentType, traceParent, request.TraceState, now);
        }

        if (TtlOf(request.Metadata) is { } ttl)
        {
            CloudEventEnvelope.SetExpiration(envelope, ttl, now);
        }

        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }

    public static bool IsRawPayload(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("rawPayload", out var raw) || raw.Length == 0)
        {
            return false;
        }

        return raw switch
        {
            "1" => true,
            "0" => false,
            _ when bool.TryParse(raw, out var on) => on,
            _ => throw new PublishRequestException("ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata. Error: rawPayload value '{raw}' is not a boolean"),
        };
    }

    private static TimeSpan? TtlOf(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var raw) || raw.Length == 0)
        {
            return null;
        }

        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new PublishRequestException("ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata. Error: ttlInSeconds value '{raw}' is not a non-negative integer");
    }
}

/// <summary>
/// A publish request daprd rejects before reaching the broker. <see cref="HttpStatus"/> is daprd's HTTP status;
/// over gRPC these map to InvalidArgument (except <c>ERR_PUBSUB_CLOUD_EVENTS_SER</c>: also InvalidArgument in daprd).
/// </summary>
public sealed class PublishRequestException(string errorCode, string message, int httpStatus = 400) : ArgumentException(message)
{
    public string ErrorCode { get; } = errorCode;

    public int HttpStatus { get; } = httpStatus;
}
