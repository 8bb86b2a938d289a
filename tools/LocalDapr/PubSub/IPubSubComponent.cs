namespace LocalDapr.PubSub;

/// <summary>A message as the broker stores it: the serialized CloudEvent (or the raw payload) plus publish metadata.</summary>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Returns normally to acknowledge; throws to report a failure to the component (which may redeliver).</summary>
public delegate Task MessageHandler(PubSubMessage message, CancellationToken cancellationToken);

/// <param name="IsConsumerReady">False while the app has no healthy instance; brokers that can wait (Redis) stop fetching.</param>
public sealed record ComponentSubscription(string AppId, string Topic, MessageHandler Handler, Func<bool> IsConsumerReady)
{
    /// <summary>
    /// The consumer (group) this subscription reads as; null = the app-id (replicas compete). Set for per-instance
    /// subscriptions (see <see cref="ConsumerTemplate"/>), which each get every message.
    /// </summary>
    public string? ConsumerGroup { get; init; }

    /// <summary>The group belongs to this subscription alone: it starts at the newest message and is deleted when the subscription ends.</summary>
    public bool EphemeralGroup { get; init; }

    public string ConsumerKey => ConsumerGroup ?? AppId;
}

/// <summary>A pub/sub component instance (<c>pubsub.in-memory</c>, <c>pubsub.redis</c>).</summary>
public interface IPubSubComponent : IAsyncDisposable
{
    string Name { get; }

    string Type { get; }

    IReadOnlyList<string> Capabilities { get; }

    /// <summary>The <c>consumerID</c> (or <c>consumerGroup</c>) metadata, unexpanded; null when not set.</summary>
    string? ConsumerIdTemplate { get; }

    Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken);

    /// <summary>Starts consuming for one app-id; disposing the result stops it.</summary>
    Task<IAsyncDisposable> SubscribeAsync(ComponentSubscription subscription, CancellationToken cancellationToken);
}

/// <summary>The pub/sub components each app-id may use (after <c>scopes</c>).</summary>
public interface IPubSubComponentRegistry
{
    /// <summary>Throws <see cref="Abstractions.ComponentNotFoundException"/> for an unknown or out-of-scope name.</summary>
    IPubSubComponent Get(string appId, string name);

    IReadOnlyList<IPubSubComponent> ComponentsFor(string appId);
}
