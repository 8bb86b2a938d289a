using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LocalDapr.Metadata;
using LocalDapr.State;

namespace LocalDapr.Components;

/// <summary>JSON of the sidecar HTTP API for state, secrets and metadata (camelCase, as daprd writes it).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaprErrorBody))]
[JsonSerializable(typeof(List<HttpStateItem>))]
[JsonSerializable(typeof(HttpBulkGetRequest))]
[JsonSerializable(typeof(List<HttpBulkGetItem>))]
[JsonSerializable(typeof(HttpTransactionRequest))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
[JsonSerializable(typeof(MetadataResponse))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class DaprJsonContext : JsonSerializerContext;
