using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr.AspNetCore;

namespace DeepSeek.Dapr.ServiceDefaults.Events;

/// <summary>The bulk subscriber's reply as daprd reads it: camelCase, statuses as the strings SUCCESS / RETRY / DROP.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BulkSubscribeAppResponse))]
public sealed partial class BulkReplyJsonContext : JsonSerializerContext;
