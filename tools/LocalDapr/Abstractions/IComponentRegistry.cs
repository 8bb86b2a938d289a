namespace LocalDapr.Abstractions;

/// <summary>
/// The components each app-id may use (after <c>scopes</c>), initialised at start-up from the Component
/// resources. Lookups throw <see cref="ComponentNotFoundException"/> for unknown or out-of-scope names.
/// </summary>
public interface IComponentRegistry
{
    /// <summary>The store wrapped so that keys get the component's <c>keyPrefix</c> for this app.</summary>
    IStateStore GetStateStore(string appId, string name);

    ISecretStore GetSecretStore(string appId, string name);

    IReadOnlyList<ComponentInfo> ComponentsFor(string appId);
}

/// <summary>What <c>/v1.0/metadata</c> and gRPC GetMetadata report per component.</summary>
public sealed record ComponentInfo(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);
