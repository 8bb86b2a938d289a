using System.Collections.Concurrent;

namespace LocalDapr.Metadata;

/// <summary>Per-sidecar attributes set with SetMetadata / <c>PUT /v1.0/metadata/{key}</c>; kept for the runtime's life.</summary>
public sealed class ExtendedMetadataStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _byApp = new(StringComparer.Ordinal);

    public void Set(string appId, string key, string value) =>
        _byApp.GetOrAdd(appId, _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))[key] = value;

    public IReadOnlyDictionary<string, string> For(string appId) =>
        _byApp.TryGetValue(appId, out var values) ? new Dictionary<string, string>(values, StringComparer.Ordinal) : new Dictionary<string, string>();
}
