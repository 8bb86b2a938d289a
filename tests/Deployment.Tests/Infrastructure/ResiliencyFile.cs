using System.Text.Json.Nodes;

namespace Deployment.Tests.Infrastructure;

/// <summary>dapr-config/resiliency.yaml read as the sidecar of one calling app sees it: the resource scoped to that app.</summary>
public sealed class ResiliencyFile
{
    public static ResiliencyFile Load() =>
        new(YamlJson.LoadFile(RepoPaths.Combine("dapr-config", "resiliency.yaml")).Where(d => d.Kind == "Resiliency").ToList());

    private ResiliencyFile(IReadOnlyList<YamlJson.Document> documents) => Documents = documents;

    public IReadOnlyList<YamlJson.Document> Documents { get; }

    public static IReadOnlyList<string> Scopes(YamlJson.Document document) =>
        document.Node["scopes"]?.AsArray().Select(s => s!.GetValue<string>()).ToArray() ?? [];

    /// <summary>The resources the sidecar of <paramref name="appId"/> loads (unscoped ones load everywhere).</summary>
    public IReadOnlyList<YamlJson.Document> For(string appId) =>
        Documents.Where(d => Scopes(d).Count == 0 || Scopes(d).Contains(appId)).ToList();

    /// <summary>The policies one target names: <c>timeout</c>, <c>retry</c>, <c>circuitBreaker</c> (missing = null).</summary>
    public static JsonObject? Target(YamlJson.Document document, string kind, string name, string? direction = null)
    {
        var target = document.Node["spec"]!["targets"]?[kind]?[name];
        return (direction is null ? target : target?[direction]) as JsonObject;
    }

    public static JsonObject Policy(YamlJson.Document document, string kind, string name) =>
        document.Node["spec"]!["policies"]![kind]![name]!.AsObject();

    public static IEnumerable<(string Kind, string Name, string? Direction, JsonObject Target)> Targets(YamlJson.Document document)
    {
        var targets = document.Node["spec"]!["targets"]!.AsObject();
        foreach (var kind in new[] { "apps", "actors" })
        {
            foreach (var (name, node) in targets[kind]?.AsObject() ?? [])
            {
                yield return (kind, name, null, node!.AsObject());
            }
        }

        foreach (var (name, node) in targets["components"]?.AsObject() ?? [])
        {
            foreach (var (direction, policies) in node!.AsObject())
            {
                yield return ("components", name, direction, policies!.AsObject());
            }
        }
    }

    public static TimeSpan Duration(string goDuration)
    {
        var text = goDuration.Trim();
        return text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], System.Globalization.CultureInfo.InvariantCulture))
            : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture))
            : text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException($"'{goDuration}' is not a duration these tests read (ms, s or m)");
    }
}
