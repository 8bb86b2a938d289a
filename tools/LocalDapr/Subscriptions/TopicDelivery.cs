using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.PubSub;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Subscriptions;

/// <summary>
/// Delivers the messages of one subscription to the app as daprd's HTTP postman does: POST the CloudEvent to the
/// selected route, read the reply status, retry under the component's inbound resiliency policy, and send what
/// the app dropped or what kept failing to the dead-letter topic when one is configured.
/// </summary>
internal sealed class TopicDelivery(
    string appId,
    TopicSubscription subscription,
    IAppChannel appChannel,
    IResiliencyProvider resiliency,
    EventPublisher publisher,
    TimeProvider time,
    ILogger logger)
{
    public TopicSubscription Subscription => subscription;

    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        JsonObject cloudEvent;
        ReadOnlyMemory<byte> body;
        if (subscription.RawPayload)
        {
            cloudEvent = CloudEventEnvelope.FromRawPayload(message.Data, message.Topic, subscription.PubSubName);
            body = JsonSerializer.SerializeToUtf8Bytes(cloudEvent);
        }
        else if (TryParse(message.Data) is { } parsed)
        {
            cloudEvent = parsed;
            body = message.Data;
        }
        else
        {
            SubscriptionLog.NotACloudEvent(logger, subscription.PubSubName, message.Topic, appId);
            await DeadLetterOrThrowAsync(message, new SubscriptionException($"message on {subscription.PubSubName}/{message.Topic} is not a CloudEvent"), cancellationToken);
            return;
        }

        var id = cloudEvent["id"]?.ToString() ?? string.Empty;
        if (CloudEventEnvelope.HasExpired(cloudEvent, time.GetUtcNow()))
        {
            SubscriptionLog.Expired(logger, id, subscription.PubSubName, message.Topic);
            return;
        }

        var path = subscription.SelectPath(cloudEvent);
        if (path is null)
        {
            SubscriptionLog.NoMatchingRoute(logger, id, subscription.PubSubName, message.Topic, appId);
            return;
        }

        Outcome outcome;
        try
        {
            var pipeline = resiliency.ForComponent(appId, subscription.PubSubName, ComponentDirection.Inbound);
            outcome = await pipeline.ExecuteAsync(async ct => await SendAsync(path, body, cloudEvent, id, ct), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            SubscriptionLog.DeliveryFailed(logger, id, subscription.PubSubName, message.Topic, appId, ex.Message);
            await DeadLetterOrThrowAsync(message, ex, cancellationToken);
            return;
        }

        if (outcome == Outcome.Dropped && subscription.DeadLetterTopic is not null)
        {
            await ForwardToDeadLetterAsync(message, cancellationToken);
        }
    }

    private async Task<Outcome> SendAsync(string path, ReadOnlyMemory<byte> body, JsonObject cloudEvent, string id, CancellationToken cancellationToken)
    {
        if (!appChannel.IsAvailable(appId))
        {
            // Retriable, like daprd's app-channel errors: the policy (or the broker) gets another go once the app is back.
            throw new StatusCodeException((int)HttpStatusCode.ServiceUnavailable, $"app {appId} has no healthy instance");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.MediaType);
        AddTraceHeaders(request, cloudEvent);
        request.Headers.TryAddWithoutValidation("pubsubname", subscription.PubSubName);

        using var response = await appChannel.SendAsync(appId, request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 299)
        {
            var reply = await ReadStatusAsync(response, cancellationToken);
            switch (reply)
            {
                case null or "" or "SUCCESS":
                    return Outcome.Delivered;
                case "DROP":
                    SubscriptionLog.AppDropped(logger, id, subscription.PubSubName, subscription.Topic, appId);
                    return Outcome.Dropped;
                case "RETRY":
                    throw new RetryRequestedException($"RETRY status returned from app {appId} while processing pub/sub event {id}");
                default:
                    throw new RetryRequestedException($"unknown status '{reply}' returned from app {appId} while processing pub/sub event {id}");
            }
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            SubscriptionLog.AppNotFound(logger, id, subscription.PubSubName, subscription.Topic, appId, path, text);
            return Outcome.Dropped;
        }

        throw new StatusCodeException(status, $"retriable error returned from app {appId} while processing pub/sub event {id}, topic: {subscription.Topic}, body: {text}. status code returned: {status}");
    }

    internal static void AddTraceHeaders(HttpRequestMessage request, JsonObject cloudEvent)
    {
        var traceParent = (cloudEvent["traceparent"] ?? cloudEvent["traceid"])?.ToString();
        if (!string.IsNullOrEmpty(traceParent))
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        if (cloudEvent["tracestate"]?.ToString() is { Length: > 0 } traceState)
        {
            request.Headers.TryAddWithoutValidation("tracestate", traceState);
        }
    }

    /// <summary>The <c>status</c> of a 2xx reply; null when the body is empty or not a JSON object (both mean success).</summary>
    private static async Task<string?> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes, new JsonNodeOptions { PropertyNameCaseInsensitive = true }) is JsonObject obj
                && obj["status"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>().ToUpperInvariant()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task DeadLetterOrThrowAsync(PubSubMessage message, Exception error, CancellationToken cancellationToken)
    {
        if (subscription.DeadLetterTopic is null)
        {
            // Back to the component: in-memory logs and forgets it, Redis leaves it pending for redelivery.
            throw new DeliveryFailedException($"delivery of a message on {subscription.PubSubName}/{message.Topic} to {appId} failed: {error.Message}", error);
        }

        await ForwardToDeadLetterAsync(message, cancellationToken);
    }

    private async Task ForwardToDeadLetterAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var deadLetter = subscription.DeadLetterTopic!;
        await publisher.ForwardAsync(appId, subscription.PubSubName, deadLetter, message, cancellationToken);
        SubscriptionLog.SentToDeadLetter(logger, subscription.PubSubName, message.Topic, deadLetter, appId);
    }

    private static JsonObject? TryParse(ReadOnlyMemory<byte> data)
    {
        try
        {
            return JsonNode.Parse(data.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private enum Outcome
    {
        Delivered,
        Dropped,
    }
}

/// <summary>The app answered <c>RETRY</c> (or an unknown status): retriable, without a status code.</summary>
public sealed class RetryRequestedException(string message) : Exception(message);

/// <summary>Delivery failed after the inbound policy gave up and no dead-letter topic took the message.</summary>
public sealed class DeliveryFailedException(string message, Exception inner) : Exception(message, inner);
