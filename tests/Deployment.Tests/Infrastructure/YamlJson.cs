using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Deployment.Tests.Infrastructure;

/// <summary>
/// YAML → JSON with YAML 1.2 core-schema typing for plain scalars (ints, floats, booleans, null), as Kubernetes
/// reads manifests; quoted scalars stay strings. Schema validation depends on getting these types right.
/// </summary>
public static class YamlJson
{
    public sealed record Document(string File, int Index, JsonObject Node)
    {
        public string? ApiVersion => Node["apiVersion"]?.GetValue<string>();
        public string? Kind => Node["kind"]?.GetValue<string>();
        public string? Name => Node["metadata"]?["name"]?.GetValue<string>();

        public override string ToString() => $"{(Path.IsPathRooted(File) ? Path.GetRelativePath(RepoPaths.Root, File) : File)}#{Index} {Kind}/{Name}";
    }

    public static IReadOnlyList<Document> LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<Document> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var docs = new List<Document>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (ToJson(stream.Documents[i].RootNode) is JsonObject obj)
            {
                docs.Add(new Document(source, i, obj));
            }
        }

        return docs;
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when value.Any(char.IsDigit) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
