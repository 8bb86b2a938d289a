using DeepSeek.Dapr.Monitoring.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Monitoring.Apis;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/metrics")
            .MapGet("/summary", SummaryAsync)
            .WithName("MetricsSummary")
            .WithSummary("Requests, tokens, cache hit ratio (all time), and rate, p50/p95 latency and active users over the window, by model");
        return app;
    }

    public static async Task<Ok<MetricsSummary>> SummaryAsync(UsageAggregator aggregator, CancellationToken ct) =>
        TypedResults.Ok(await aggregator.SummaryAsync(ct));
}
