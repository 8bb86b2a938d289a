using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalDapr.PubSub.InMemory;

/// <summary>
/// <c>pubsub.in-memory</c>. Differs from daprd on purpose: daprd keeps one broker per sidecar process, so apps
/// never see each other's messages; here one broker per component name is shared by every app of the runtime,
/// which is what makes it usable for a multi-app topology. Like daprd it delivers each message once to every
/// subscribing app-id (replicas of one app-id compete through the app channel's round robin), and it never
/// redelivers: a handler failure is logged and the message is gone, so retries come only from resiliency.
/// Because the broker here outlives app restarts, messages published while a subscribed app-id has no healthy
/// instance are parked (up to <see cref="MaxParkedPerConsumer"/>) and handed over when the app subscribes again,
/// instead of failing at once; daprd has no such case since its broker dies with the sidecar.
/// With a per-instance <c>consumerID</c> (<c>{uuid}</c>, <c>{podName}</c>) each instance subscribes under its own
/// consumer key and gets every message.
/// </summary>
public sealed class InMemoryPubSub(string name, ILogger<InMemoryPubSub> logger, string? consumerIdTemplate = null) : IPubSubComponent
{
    public const string ComponentType = "pubsub.in-memory";
    public const int MaxParkedPerConsumer = 10_000;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Consumer>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Topic, string AppId), ConcurrentQueue<PubSubMessage>> _parked = new();
    private readonly CancellationTokenSource _stopping = new();

    public string Name { get; } = name;

    public string Type => ComponentType;

    public IReadOnlyList<string> Capabilities { get; } = [];

    public string? ConsumerIdTemplate { get; } = consumerIdTemplate;

    public Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_topics.TryGetValue(message.Topic, out var consumers))
        {
            foreach (var consumer in consumers.Values)
            {
                // Handlers run concurrently and the publisher does not wait for them, as in components-contrib.
                _ = Task.Run(() => DispatchAsync(consumer, message), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> SubscribeAsync(ComponentSubscription subscription, CancellationToken cancellationToken)
    {
        var consumer = new Consumer(subscription);
        // One consumer per consumer key (the app-id, or one per instance) and topic: a re-subscription (app restart)
        // replaces the old one instead of adding.
        var key = subscription.ConsumerKey;
        _topics.GetOrAdd(subscription.Topic, _ => new(StringComparer.Ordinal))[key] = consumer;
        DrainParked(subscription.Topic, key);
        return Task.FromResult<IAsyncDisposable>(new Unsubscriber(this, subscription.Topic, key, consumer, subscription.EphemeralGroup));
    }

    private async Task DispatchAsync(Consumer consumer, PubSubMessage message)
    {
        if (!consumer.Subscription.IsConsumerReady())
        {
            Park(consumer.Subscription, message);
            return;
        }

        try
        {
            await consumer.Subscription.Handler(message, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            PubSubLog.DeliveryAbandonedOnShutdown(logger, Name, message.Topic, consumer.Subscription.AppId);
        }
        catch (OperationCanceledException)
        {
            // The subscription was replaced while the message was in flight (the app re-subscribed after a restart,
            // cancelling a bulk batch that waited out its outage): it goes to the new consumer instead of being lost.
            // It may have reached the app already, so this is at-least-once, as with every broker that redelivers.
            Park(consumer.Subscription, message);
        }
        catch (Exception ex)
        {
            PubSubLog.InMemoryHandlerFailed(logger, Name, message.Topic, consumer.Subscription.AppId, ex.Message);
        }
    }

    private void Park(ComponentSubscription subscription, PubSubMessage message)
    {
        var queue = _parked.GetOrAdd((subscription.Topic, subscription.ConsumerKey), _ => new ConcurrentQueue<PubSubMessage>());
        if (queue.Count >= MaxParkedPerConsumer)
        {
            PubSubLog.InMemoryParkedFull(logger, Name, subscription.Topic, subscription.AppId, MaxParkedPerConsumer);
            return;
        }

        queue.Enqueue(message);

        // The app may have come back between the readiness check and the enqueue, after the re-subscription drained.
        DrainParked(subscription.Topic, subscription.ConsumerKey);
    }

    /// <summary>Hands parked messages to the current consumer once its app is reachable; dequeuing makes each go once.</summary>
    private void DrainParked(string topic, string consumerKey)
    {
        if (!_topics.TryGetValue(topic, out var consumers) || !consumers.TryGetValue(consumerKey, out var current)
            || !current.Subscription.IsConsumerReady() || !_parked.TryGetValue((topic, consumerKey), out var queue))
        {
            return;
        }

        while (queue.TryDequeue(out var message))
        {
            _ = Task.Run(() => DispatchAsync(current, message), CancellationToken.None);
        }
    }

    public ValueTask DisposeAsync()
    {
        // The token source is not disposed: dispatches still running read its token while they unwind.
        _stopping.Cancel();
        _topics.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed record Consumer(ComponentSubscription Subscription);

    private sealed class Unsubscriber(InMemoryPubSub owner, string topic, string consumerKey, Consumer consumer, bool ephemeral) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            if (owner._topics.TryGetValue(topic, out var consumers))
            {
                consumers.TryRemove(KeyValuePair.Create(consumerKey, consumer));
            }

            if (ephemeral)
            {
                // Nobody will subscribe under this key again: what was parked for it would be kept forever.
                owner._parked.TryRemove((topic, consumerKey), out _);
            }

            return ValueTask.CompletedTask;
        }
    }
}
