using System.Text.Json.Serialization;
using DeepSeek.Dapr.Monitoring.Metrics;

namespace DeepSeek.Dapr.Monitoring;

/// <summary>Serialisers for <c>monitoring-db</c> documents and the summary reply.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UsageTotals))]
[JsonSerializable(typeof(SeenEvent))]
[JsonSerializable(typeof(MetricsSummary))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
