using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Deployment.Tests.Infrastructure;

/// <summary>
/// JSON Schemas built from Dapr's CRDs (<c>spec.versions[].schema.openAPIV3Schema</c>), keyed by apiVersion and kind.
/// Unknown fields are rejected wherever the CRD lists properties and does not preserve unknown fields — that is
/// what the API server's strict field validation does, and it is what catches a misspelt key.
/// </summary>
public sealed class CrdSchemas
{
    private readonly Dictionary<(string ApiVersion, string Kind), JsonSchema> _schemas = new();

    public static CrdSchemas Load(string directory)
    {
        var result = new CrdSchemas();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml"))
        {
            foreach (var doc in YamlJson.LoadFile(file).Where(d => d.Kind == "CustomResourceDefinition"))
            {
                var spec = doc.Node["spec"]!;
                var group = spec["group"]!.GetValue<string>();
                var kind = spec["names"]!["kind"]!.GetValue<string>();
                foreach (var version in spec["versions"]!.AsArray())
                {
                    var name = version!["name"]!.GetValue<string>();
                    var openApi = version["schema"]?["openAPIV3Schema"]?.DeepClone();
                    if (openApi is null)
                    {
                        continue;
                    }

                    var json = Strict(openApi).ToJsonString();
                    var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
                    result._schemas[($"{group}/{name}", kind)] = JsonSchema.FromText(json, options, new Uri($"https://crds.local/{group}/{name}/{kind}"));
                }
            }
        }

        return result;
    }

    public IReadOnlyCollection<(string ApiVersion, string Kind)> Known => _schemas.Keys;

    /// <summary>Null when valid; otherwise every error with its location.</summary>
    public string? Validate(JsonObject resource)
    {
        var apiVersion = resource["apiVersion"]?.GetValue<string>() ?? string.Empty;
        var kind = resource["kind"]?.GetValue<string>() ?? string.Empty;
        if (!_schemas.TryGetValue((apiVersion, kind), out var schema))
        {
            return $"no CRD schema for {apiVersion} {kind} (known: {string.Join(", ", _schemas.Keys)})";
        }

        using var doc = JsonDocument.Parse(resource.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        return string.Join("; ", errors.DefaultIfEmpty("invalid"));
    }

    private static JsonNode Strict(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            var preserve = obj["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
            var intOrString = obj["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
            foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
            {
                obj.Remove(key);
            }

            foreach (var (_, child) in obj.ToList())
            {
                if (child is not null)
                {
                    Strict(child);
                }
            }

            if (intOrString)
            {
                obj.Remove("type");
                obj["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
            }

            if (obj.ContainsKey("properties") && !preserve && !obj.ContainsKey("additionalProperties"))
            {
                obj["additionalProperties"] = false;
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                if (child is not null)
                {
                    Strict(child);
                }
            }
        }

        return node;
    }
}
