using System.Text.Json;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Components;

namespace LocalDapr.Secrets;

/// <summary>
/// <c>secretstores.local.file</c>: a JSON file read once at start (as daprd does). Nested objects become keys
/// joined by <c>nestedSeparator</c> (":" by default). With <c>multiValued: "true"</c> each top-level key is one
/// secret whose values are its (flattened) children, as daprd does it; otherwise every flattened key is a
/// secret with one value under its own name.
/// </summary>
public sealed class LocalFileSecretStore : ISecretStore
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _secrets;

    private LocalFileSecretStore(string name, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets)
    {
        Name = name;
        _secrets = secrets;
    }

    public string Name { get; }

    public bool MultiValued { get; private init; }

    public static LocalFileSecretStore Load(ComponentMetadata metadata)
    {
        var path = Path.GetFullPath(metadata.Required("secretsFile"));
        var separator = metadata.Get("nestedSeparator") ?? ":";
        var multiValued = metadata.GetBool("multiValued");
        if (!File.Exists(path))
        {
            throw metadata.Error($"metadata field 'secretsFile': file '{path}' does not exist");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw metadata.Error($"metadata field 'secretsFile': '{path}' must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw metadata.Error($"metadata field 'secretsFile': '{path}' is not valid JSON: {ex.Message}");
        }

        var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (multiValued)
        {
            foreach (var (key, node) in root)
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (node is JsonObject nested)
                {
                    Flatten(nested, null, separator, values);
                }
                else
                {
                    values[key] = Scalar(node);
                }

                secrets[key] = values;
            }
        }
        else
        {
            var flat = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(root, null, separator, flat);
            foreach (var (key, value) in flat)
            {
                secrets[key] = new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value };
            }
        }

        return new LocalFileSecretStore(metadata.Component.Name, secrets) { MultiValued = multiValued };
    }

    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.GetValueOrDefault(key));

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets);

    private static void Flatten(JsonObject node, string? prefix, string separator, Dictionary<string, string> into)
    {
        foreach (var (key, child) in node)
        {
            var name = prefix is null ? key : prefix + separator + key;
            if (child is JsonObject nested)
            {
                Flatten(nested, name, separator, into);
            }
            else
            {
                into[name] = Scalar(child);
            }
        }
    }

    // Strings keep their text; numbers, booleans and arrays keep their JSON text (daprd formats them likewise).
    private static string Scalar(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? string.Empty;
}
