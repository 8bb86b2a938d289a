using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Resources;

namespace LocalDapr.Components;

/// <summary>
/// Turns <c>spec.metadata</c> into plain values: <c>value</c> as written, <c>envRef</c> from the runtime's
/// environment, <c>secretKeyRef {name, key}</c> from the component's <c>auth.secretStore</c> (key defaults to name).
/// </summary>
public static class ComponentMetadataResolver
{
    /// <param name="findSecretStore">The app's secret stores by name; null while secret stores themselves load.</param>
    public static async Task<ComponentMetadata> ResolveAsync(DaprResource component, Func<string, ISecretStore?>? findSecretStore, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var shell = new ComponentMetadata(component, values);
        if (component.Spec["metadata"] is not JsonArray items)
        {
            return shell;
        }

        foreach (var item in items)
        {
            var name = item.GetString("name") ?? throw shell.Error($"a spec.metadata entry has no name: {item.Describe()}");
            values[name] = item switch
            {
                JsonObject o when o["secretKeyRef"] is JsonObject reference => await FromSecretAsync(shell, name, reference, findSecretStore, cancellationToken),
                JsonObject o when o.GetString("envRef") is { } variable => Environment.GetEnvironmentVariable(variable) ?? string.Empty,
                JsonObject o => o["value"] switch
                {
                    null => string.Empty,
                    JsonValue v when v.TryGetValue<string>(out var text) => text,
                    var other => other.ToJsonString(),
                },
                _ => throw shell.Error($"a spec.metadata entry is not an object: {item.Describe()}"),
            };
        }

        return new ComponentMetadata(component, values);
    }

    private static async Task<string> FromSecretAsync(ComponentMetadata shell, string field, JsonObject reference, Func<string, ISecretStore?>? findSecretStore, CancellationToken cancellationToken)
    {
        var secretName = reference.GetString("name") ?? throw shell.Error($"metadata field '{field}': secretKeyRef has no name");
        var secretKey = reference.GetString("key") ?? secretName;
        if (findSecretStore is null)
        {
            throw shell.Error($"metadata field '{field}': secretKeyRef cannot be used in a secret store component");
        }

        var storeName = shell.Component.AuthSecretStore
            ?? throw shell.Error($"metadata field '{field}' uses secretKeyRef but the component has no auth.secretStore");
        var store = findSecretStore(storeName)
            ?? throw shell.Error($"metadata field '{field}': auth.secretStore '{storeName}' is not a secret store loaded for this app");
        var secret = await store.GetAsync(secretName, new Dictionary<string, string>(), cancellationToken);
        if (secret is null || !secret.TryGetValue(secretKey, out var value))
        {
            throw shell.Error($"metadata field '{field}': secret '{secretName}' (key '{secretKey}') not found in secret store '{storeName}'");
        }

        return value;
    }
}
