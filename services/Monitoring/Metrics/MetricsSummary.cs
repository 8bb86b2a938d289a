namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>Reply of <c>GET /internal/metrics/summary</c>.</summary>
public sealed record MetricsSummary(
    DateTimeOffset GeneratedAt,
    TotalsView Totals,
    WindowView Window,
    IReadOnlyDictionary<string, ModelView> ByModel);

/// <summary>Since the store was created.</summary>
public sealed record TotalsView(
    long Requests, long PromptTokens, long PromptCacheHitTokens, long CompletionTokens, long TotalTokens,
    long CacheHits, double CacheHitRatio);

/// <summary>Over the last <see cref="Seconds"/> seconds.</summary>
public sealed record WindowView(
    int Seconds, long Requests, double RequestsPerSecond, double? P50LatencyMs, double? P95LatencyMs,
    int ActiveUsers, double CacheHitRatio);

public sealed record ModelView(TotalsView Totals, long WindowRequests, double? WindowP95LatencyMs);
