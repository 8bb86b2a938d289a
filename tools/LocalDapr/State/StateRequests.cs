using System.Globalization;
using LocalDapr.Abstractions;
using LocalDapr.Components;

namespace LocalDapr.State;

/// <summary>Parses the request options shared by the HTTP and gRPC state APIs.</summary>
public static class StateRequests
{
    public const string TtlMetadataKey = "ttlInSeconds";

    /// <summary><c>ttlInSeconds</c>: a positive number of seconds, or -1 (or 0) for never; absent = store default.</summary>
    public static int? TtlSeconds(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(TtlMetadataKey, out var raw) || string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ttl) || ttl < -1)
        {
            throw new DaprApiException(DaprApiError.Malformed($"incorrect value for metadata '{TtlMetadataKey}': '{raw}' (expected seconds > 0, or -1 for no expiry)"));
        }

        return ttl;
    }

    /// <summary>HTTP spells concurrency <c>first-write</c>/<c>last-write</c>; the default is last-write.</summary>
    public static Concurrency ParseConcurrency(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "last-write" => Concurrency.LastWrite,
        "first-write" => Concurrency.FirstWrite,
        _ => throw new DaprApiException(DaprApiError.Malformed($"invalid concurrency '{value}': expected 'first-write' or 'last-write'")),
    };

    public static string RequireKey(string? key) =>
        string.IsNullOrEmpty(key) ? throw new DaprApiException(DaprApiError.Malformed("state key is empty")) : key;
}
