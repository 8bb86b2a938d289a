using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalDapr.Resources;

/// <summary>
/// Reads every <c>*.yaml</c>/<c>*.yml</c> file (multi-document) in the given folders, as daprd does for its
/// resources paths. Documents that are not <c>dapr.io</c> resources are skipped like daprd skips them; a
/// document that is not valid YAML, or lacks <c>metadata.name</c>, stops start-up with the file named.
/// </summary>
public static class ResourceLoader
{
    public static ResourceSet LoadDirectories(IEnumerable<string> directories)
    {
        var all = new List<DaprResource>();
        foreach (var dir in directories)
        {
            if (!Directory.Exists(dir))
            {
                throw new ResourceException($"resources path '{dir}' does not exist");
            }

            var files = Directory.EnumerateFiles(dir)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                all.AddRange(LoadFile(file));
            }
        }

        return new ResourceSet(all);
    }

    public static IReadOnlyList<DaprResource> LoadFile(string path)
    {
        var result = new List<DaprResource>();
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ResourceException($"{path}: invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}");
        }

        foreach (var doc in stream.Documents)
        {
            if (ToJson(doc.RootNode) is not JsonObject root)
            {
                continue;
            }

            var apiVersion = root["apiVersion"]?.GetValue<string>();
            var kind = root["kind"]?.GetValue<string>();
            // Other Kubernetes objects (a kustomization.yaml beside the resources, say) are not Dapr's: skip them as daprd does.
            if (apiVersion is null || kind is null || !apiVersion.StartsWith("dapr.io/", StringComparison.Ordinal))
            {
                continue;
            }

            var metadata = root["metadata"] as JsonObject;
            var name = metadata?["name"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ResourceException($"{path}: {kind} has no metadata.name");
            }

            var scopes = (root["scopes"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? string.Empty)
                .Where(s => s.Length > 0).ToArray() ?? [];
            var auth = (root["auth"] as JsonObject)?["secretStore"]?.GetValue<string>();
            var spec = root["spec"] as JsonObject ?? [];
            result.Add(new DaprResource(apiVersion, kind, name, metadata?["namespace"]?.GetValue<string>(), spec, scopes, auth, path, root));
        }

        return result;
    }

    /// <summary>YAML node → JSON node. Scalars stay strings (Dapr metadata values are strings anyway).</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null or "~" or "null", Style: ScalarStyle.Plain } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? string.Empty),
        _ => null,
    };

    /// <summary>Reads a string field, treating absent and empty alike.</summary>
    public static string? GetString(this JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    public static string Describe(this JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
