namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>Turns totals and the window's samples into the summary. Pure.</summary>
public static class SummaryBuilder
{
    public static MetricsSummary Build(UsageTotals totals, IReadOnlyList<UsageSample> window, TimeSpan windowLength, DateTimeOffset now)
    {
        var models = totals.Models.Keys.Union(window.Select(s => s.Model)).Order(StringComparer.Ordinal);
        var byModel = models.ToDictionary(
            m => m,
            m =>
            {
                var samples = window.Where(s => s.Model == m).ToList();
                return new ModelView(ToView(totals.Models.GetValueOrDefault(m, ModelTotals.Zero)), samples.Count,
                    RecentWindow.Percentile(samples.Select(s => s.LatencyMs), 95));
            },
            StringComparer.Ordinal);

        var seconds = Math.Max(1, (int)windowLength.TotalSeconds);
        var windowView = new WindowView(
            seconds,
            window.Count,
            Math.Round(window.Count / (double)seconds, 3),
            RecentWindow.Percentile(window.Select(s => s.LatencyMs), 50),
            RecentWindow.Percentile(window.Select(s => s.LatencyMs), 95),
            window.Select(s => s.UserId).Distinct(StringComparer.Ordinal).Count(),
            Ratio(window.Count(s => s.CacheHit), window.Count));
        return new MetricsSummary(now, ToView(totals.All), windowView, byModel);
    }

    public static TotalsView ToView(ModelTotals t) => new(
        t.Requests, t.PromptTokens, t.PromptCacheHitTokens, t.CompletionTokens, t.PromptTokens + t.CompletionTokens,
        t.CacheHits, Ratio(t.CacheHits, t.Requests));

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : Math.Round(part / (double)whole, 4);
}
