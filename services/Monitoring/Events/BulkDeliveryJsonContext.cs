using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr.AspNetCore;

namespace DeepSeek.Dapr.Monitoring.Events;

/// <summary>
/// The sidecar's bulk envelope and the per-entry reply are camelCase (DAPR-CONTRACT.md §3.4), unlike this app's
/// snake_case HTTP JSON, so they are read and written with their own context.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BulkSubscribeMessage<JsonElement>))]
[JsonSerializable(typeof(BulkSubscribeAppResponse))]
internal sealed partial class BulkDeliveryJsonContext : JsonSerializerContext;
