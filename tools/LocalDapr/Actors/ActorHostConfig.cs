using System.Text.Json;

namespace LocalDapr.Actors;

/// <summary>What an app declared in <c>GET /dapr/config</c>: its actor types and their runtime options.</summary>
internal sealed record ActorHostConfig(string AppId, IReadOnlyDictionary<string, ActorTypeOptions> Types, TimeSpan ScanInterval);

/// <summary>Per-type options (top-level values, overridden by the type's <c>entitiesConfig</c> entry).</summary>
internal sealed record ActorTypeOptions(string AppId, string ActorType, TimeSpan IdleTimeout, bool Reentrant);

internal static class ActorHostConfigParser
{
    // daprd's defaults (pkg/actors/config): 60 min idle, 30 s scan.
    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan DefaultScanInterval = TimeSpan.FromSeconds(30);

    /// <summary>Null when the app declares no actor types.</summary>
    public static ActorHostConfig? Parse(string appId, ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var idle = Duration(root, "actorIdleTimeout") ?? DefaultIdleTimeout;
        var scan = Duration(root, "actorScanInterval") ?? DefaultScanInterval;
        var reentrant = Reentrancy(root) ?? false;
        var types = new Dictionary<string, ActorTypeOptions>(StringComparer.Ordinal);
        foreach (var type in Strings(root, "entities"))
        {
            types[type] = new ActorTypeOptions(appId, type, idle, reentrant);
        }

        if (Property(root, "entitiesConfig") is { ValueKind: JsonValueKind.Array } perType)
        {
            foreach (var entry in perType.EnumerateArray())
            {
                foreach (var type in Strings(entry, "entities"))
                {
                    types[type] = new ActorTypeOptions(appId, type, Duration(entry, "actorIdleTimeout") ?? idle, Reentrancy(entry) ?? reentrant);
                }
            }
        }

        return types.Count == 0 ? null : new ActorHostConfig(appId, types, scan > TimeSpan.Zero ? scan : DefaultScanInterval);
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToArray()
            : [];

    private static TimeSpan? Duration(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value && ActorSchedule.TryParseDuration(value.GetString(), out var duration)
            ? duration
            : null;

    private static bool? Reentrancy(JsonElement element) =>
        Property(element, "reentrancy") is { ValueKind: JsonValueKind.Object } reentrancy
        && Property(reentrancy, "enabled") is { } enabled
        && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? enabled.GetBoolean()
            : null;
}
