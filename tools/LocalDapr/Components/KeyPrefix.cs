using LocalDapr.Resources;

namespace LocalDapr.Components;

/// <summary>
/// daprd's <c>keyPrefix</c> state option: <c>appid</c> (default) → <c>{appId}||key</c>, <c>name</c> →
/// <c>{component}||key</c>, <c>namespace</c> → <c>{namespace}.{appId}||key</c> (appId alone without NAMESPACE),
/// <c>none</c> → the key as given, anything else → that literal. Returns null for <c>none</c>.
/// </summary>
public static class KeyPrefix
{
    public const string Separator = "||";

    public static string? For(ComponentMetadata metadata, string appId)
    {
        var strategy = metadata.Get("keyPrefix") ?? "appid";
        return strategy.ToLowerInvariant() switch
        {
            "appid" => appId,
            "name" => metadata.Component.Name,
            "none" => null,
            "namespace" => Environment.GetEnvironmentVariable("NAMESPACE") is { Length: > 0 } ns ? $"{ns}.{appId}" : appId,
            _ => strategy,
        };
    }

    public static void Validate(ComponentMetadata metadata, string? prefix)
    {
        if (prefix?.Contains(Separator, StringComparison.Ordinal) == true)
        {
            throw metadata.Error($"metadata field 'keyPrefix' must not contain '{Separator}', got '{prefix}'");
        }
    }
}
