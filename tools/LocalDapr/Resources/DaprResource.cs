using System.Text.Json.Nodes;

namespace LocalDapr.Resources;

/// <summary>
/// One Kubernetes-style Dapr resource document (Component, Resiliency, Subscription, HTTPEndpoint, Configuration),
/// converted from YAML to JSON so every part of the runtime reads it the same way. YAML scalars stay strings.
/// </summary>
public sealed record DaprResource(
    string ApiVersion,
    string Kind,
    string Name,
    string? Namespace,
    JsonObject Spec,
    IReadOnlyList<string> Scopes,
    string? AuthSecretStore,
    string SourcePath,
    JsonObject Raw)
{
    /// <summary>Empty scopes mean every app loads the resource (daprd semantics).</summary>
    public bool AppliesTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    public override string ToString() => $"{Kind}/{Name} ({SourcePath})";
}

/// <summary>All resources found in the resources paths of one app, grouped by kind.</summary>
public sealed record ResourceSet(IReadOnlyList<DaprResource> All)
{
    public IEnumerable<DaprResource> OfKind(string kind) => All.Where(r => string.Equals(r.Kind, kind, StringComparison.Ordinal));
    public IEnumerable<DaprResource> Components => OfKind(ResourceKinds.Component);
    public IEnumerable<DaprResource> Resiliencies => OfKind(ResourceKinds.Resiliency);
    public IEnumerable<DaprResource> Subscriptions => OfKind(ResourceKinds.Subscription);
    public IEnumerable<DaprResource> HttpEndpoints => OfKind(ResourceKinds.HttpEndpoint);
}

public static class ResourceKinds
{
    public const string Component = "Component";
    public const string Resiliency = "Resiliency";
    public const string Subscription = "Subscription";
    public const string HttpEndpoint = "HTTPEndpoint";
    public const string Configuration = "Configuration";
}

/// <summary>A resource file is wrong: the message names the file and the field, and start-up stops.</summary>
public sealed class ResourceException(string message) : Exception(message);
