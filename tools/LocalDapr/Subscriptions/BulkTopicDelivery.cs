using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LocalDapr.Abstractions;
using LocalDapr.PubSub;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Subscriptions;

/// <summary>
/// <c>bulkSubscribe</c> delivery: messages handed over by the component are collected until
/// <c>maxMessagesCount</c> or <c>maxAwaitDurationMs</c>, then POSTed as one <c>application/json</c> bulk envelope.
/// Each entry's reply status decides its fate; entries without a status count as RETRY, and only the entries
/// still failing are retried by the inbound policy, then dead-lettered or returned to the component.
/// </summary>
internal sealed class BulkTopicDelivery : IAsyncDisposable
{
    private readonly string _appId;
    private readonly TopicSubscription _subscription;
    private readonly BulkSubscribeOptions _options;
    private readonly IAppChannel _appChannel;
    private readonly IResiliencyProvider _resiliency;
    private readonly EventPublisher _publisher;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _batcher;

    public BulkTopicDelivery(string appId, TopicSubscription subscription, BulkSubscribeOptions options, IAppChannel appChannel,
        IResiliencyProvider resiliency, EventPublisher publisher, ILogger logger)
    {
        _appId = appId;
        _subscription = subscription;
        _options = options;
        _appChannel = appChannel;
        _resiliency = resiliency;
        _publisher = publisher;
        _logger = logger;
        _batcher = Task.Run(BatchLoopAsync);
    }

    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var pending = new Pending(message, Guid.NewGuid().ToString(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task BatchLoopAsync()
    {
        var token = _stopping.Token;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                var batch = new List<Pending>();
                var deadline = Task.Delay(_options.MaxAwaitDurationMs, token);
                while (batch.Count < _options.MaxMessagesCount)
                {
                    if (reader.TryRead(out var next))
                    {
                        batch.Add(next);
                        continue;
                    }

                    var more = reader.WaitToReadAsync(token).AsTask();
                    if (await Task.WhenAny(more, deadline) == deadline || !more.IsCompletedSuccessfully || !more.Result)
                    {
                        break;
                    }
                }

                _ = Task.Run(() => DeliverAsync(batch, token), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: the component's own handlers are cancelled too.
        }
    }

    private async Task DeliverAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var remaining = batch;
        try
        {
            var pipeline = _resiliency.ForComponent(_appId, _subscription.PubSubName, ComponentDirection.Inbound);
            await pipeline.ExecuteAsync(async ct =>
            {
                remaining = await SendAsync(remaining, ct);
                if (remaining.Count > 0)
                {
                    throw new RetryRequestedException($"{remaining.Count} bulk entries need RETRY");
                }
            }, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            SubscriptionLog.DeliveryFailed(_logger, $"bulk of {remaining.Count}", _subscription.PubSubName, _subscription.Topic, _appId, ex.Message);
            foreach (var entry in remaining)
            {
                await SettleFailedAsync(entry, ex, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var entry in remaining)
            {
                entry.Done.TrySetCanceled(cancellationToken);
            }
        }
    }

    /// <summary>Sends one bulk request; settles SUCCESS and DROP entries and returns those that need a retry.</summary>
    private async Task<List<Pending>> SendAsync(List<Pending> entries, CancellationToken cancellationToken)
    {
        if (!_appChannel.IsAvailable(_appId))
        {
            throw new StatusCodeException((int)HttpStatusCode.ServiceUnavailable, $"app {_appId} has no healthy instance");
        }

        var path = _subscription.DefaultPath ?? _subscription.Rules[0].Path;
        var items = new JsonArray();
        foreach (var entry in entries)
        {
            items.Add(new JsonObject
            {
                ["entryId"] = entry.EntryId,
                ["event"] = EventOf(entry.Message),
                ["metadata"] = new JsonObject(),
                ["contentType"] = CloudEventEnvelope.MediaType,
            });
        }

        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent.bulk",
            ["topic"] = _subscription.Topic,
            ["pubsubname"] = _subscription.PubSubName,
            ["metadata"] = new JsonObject(),
            ["entries"] = items,
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(envelope)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _appChannel.SendAsync(_appId, request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            foreach (var entry in entries)
            {
                await SettleDroppedAsync(entry, cancellationToken);
            }

            return [];
        }

        if (status is < 200 or > 299)
        {
            throw new StatusCodeException(status, $"retriable error returned from app {_appId} while processing bulk pub/sub event, topic: {_subscription.Topic}. status code returned: {status}");
        }

        var statuses = await ReadStatusesAsync(response, cancellationToken);
        var retry = new List<Pending>();
        foreach (var entry in entries)
        {
            switch (statuses.GetValueOrDefault(entry.EntryId))
            {
                case "SUCCESS":
                    entry.Done.TrySetResult();
                    break;
                case "DROP":
                    SubscriptionLog.AppDropped(_logger, entry.EntryId, _subscription.PubSubName, _subscription.Topic, _appId);
                    await SettleDroppedAsync(entry, cancellationToken);
                    break;
                default:
                    retry.Add(entry);
                    break;
            }
        }

        return retry;
    }

    private JsonNode? EventOf(PubSubMessage message)
    {
        if (_subscription.RawPayload)
        {
            return CloudEventEnvelope.FromRawPayload(message.Data, message.Topic, _subscription.PubSubName);
        }

        try
        {
            return JsonNode.Parse(message.Data.Span);
        }
        catch (JsonException)
        {
            return CloudEventEnvelope.FromRawPayload(message.Data, message.Topic, _subscription.PubSubName);
        }
    }

    /// <summary>entryId → upper-case status. The SDK writes the enum as a string; numbers are accepted too.</summary>
    private static async Task<Dictionary<string, string>> ReadStatusesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var root = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken), new JsonNodeOptions { PropertyNameCaseInsensitive = true });
            foreach (var item in (root?["statuses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (item["entryId"]?.ToString() is { } id)
                {
                    result[id] = item["status"] switch
                    {
                        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<int>() switch { 0 => "SUCCESS", 1 => "RETRY", 2 => "DROP", _ => "RETRY" },
                        JsonValue v => v.ToString().ToUpperInvariant(),
                        _ => "RETRY",
                    };
                }
            }
        }
        catch (JsonException)
        {
            // An unparsable bulk reply leaves every entry without a status: all are retried, as daprd does.
        }

        return result;
    }

    private async Task SettleDroppedAsync(Pending entry, CancellationToken cancellationToken)
    {
        if (_subscription.DeadLetterTopic is { } deadLetter)
        {
            await _publisher.ForwardAsync(_appId, _subscription.PubSubName, deadLetter, entry.Message, cancellationToken);
            SubscriptionLog.SentToDeadLetter(_logger, _subscription.PubSubName, _subscription.Topic, deadLetter, _appId);
        }

        entry.Done.TrySetResult();
    }

    private async Task SettleFailedAsync(Pending entry, Exception error, CancellationToken cancellationToken)
    {
        if (_subscription.DeadLetterTopic is not null)
        {
            await SettleDroppedAsync(entry, cancellationToken);
            return;
        }

        entry.Done.TrySetException(new DeliveryFailedException($"bulk delivery on {_subscription.PubSubName}/{_subscription.Topic} to {_appId} failed: {error.Message}", error));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        await _batcher;

        // Messages still queued were never sent: fail them so the component's handlers do not wait forever.
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Done.TrySetCanceled(_stopping.Token);
        }
    }

    private sealed record Pending(PubSubMessage Message, string EntryId, TaskCompletionSource Done);
}
