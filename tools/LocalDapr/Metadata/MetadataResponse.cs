using System.Text.Json.Serialization;

namespace LocalDapr.Metadata;

/// <summary>The sidecar's metadata as <c>GET /v1.0/metadata</c> returns it (daprd's JSON field names).</summary>
public sealed record MetadataResponse(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyDictionary<string, string> Extended,
    [property: JsonPropertyName("components")] IReadOnlyList<MetadataComponent> Components,
    IReadOnlyList<MetadataHttpEndpoint> HttpEndpoints,
    IReadOnlyList<MetadataSubscription> Subscriptions,
    MetadataAppConnection AppConnectionProperties);

public sealed record MetadataComponent(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

public sealed record MetadataHttpEndpoint(string Name);

public sealed record MetadataSubscription(
    [property: JsonPropertyName("pubsubname")] string PubsubName,
    string Topic,
    IReadOnlyDictionary<string, string>? Metadata,
    IReadOnlyList<MetadataSubscriptionRule> Rules,
    string? DeadLetterTopic,
    string Type);

public sealed record MetadataSubscriptionRule(string? Match, string Path);

public sealed record MetadataAppConnection(int? Port, string Protocol, string ChannelAddress);
