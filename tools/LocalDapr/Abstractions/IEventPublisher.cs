namespace LocalDapr.Abstractions;

/// <summary>
/// Publishes one event as daprd's publish API does: wraps <paramref name="data"/> in a CloudEvents 1.0 envelope
/// (unless it already is one, or metadata <c>rawPayload=true</c>) and hands it to the named pub/sub component.
/// Throws <see cref="ComponentNotFoundException"/> for an unknown or out-of-scope pub/sub.
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(PublishRequest request, CancellationToken cancellationToken);
}

public sealed record PublishRequest(
    string SourceAppId,
    string PubSubName,
    string Topic,
    ReadOnlyMemory<byte> Data,
    string? DataContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? TraceParent = null,
    string? TraceState = null);

/// <summary>Subscriptions known per app (for metadata). Implemented by the pub/sub part.</summary>
public interface ISubscriptionRegistry
{
    IReadOnlyList<SubscriptionInfo> SubscriptionsFor(string appId);
}

public sealed record SubscriptionInfo(string PubSubName, string Topic, IReadOnlyList<(string? Match, string Path)> Rules, string? DeadLetterTopic, string Type);
