using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Monitoring.Metrics;

namespace Services.Tests.Monitoring;

public sealed class SummaryBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    internal static UsageRecorded Usage(string user, string model, double latency, bool cacheHit = false, DateTimeOffset? at = null, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString("n"), "r", user, null, model, 100, 20, cacheHit ? 100 : 0, cacheHit, false, latency, at ?? Now);

    [Fact]
    public void Nearest_rank_percentiles()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse();

        RecentWindow.Percentile(values, 95).Should().Be(95);
        RecentWindow.Percentile(values, 50).Should().Be(50);
        RecentWindow.Percentile([7.0], 95).Should().Be(7);
        RecentWindow.Percentile([], 95).Should().BeNull();
    }

    [Fact]
    public void Totals_window_and_models_are_aggregated()
    {
        var events = Enumerable.Range(1, 20).Select(i => Usage(i % 2 == 0 ? "alice" : "bob", i <= 15 ? "deepseek-chat" : "deepseek-reasoner", i * 10, cacheHit: i % 4 == 0)).ToList();
        var totals = events.Aggregate(UsageTotals.Empty, (t, e) => t.Add(e));

        var summary = SummaryBuilder.Build(totals, events.Select(UsageSample.From).ToList(), TimeSpan.FromSeconds(10), Now);

        summary.Totals.Should().Be(new TotalsView(20, 2000, 500, 400, 2400, 5, 0.25));
        summary.Window.Should().Be(new WindowView(10, 20, 2.0, 100, 190, 2, 0.25));
        summary.ByModel.Keys.Should().Equal("deepseek-chat", "deepseek-reasoner");
        summary.ByModel["deepseek-chat"].Totals.Requests.Should().Be(15);
        summary.ByModel["deepseek-reasoner"].WindowP95LatencyMs.Should().Be(200);
    }

    [Fact]
    public void The_window_forgets_samples_older_than_its_length()
    {
        var window = new RecentWindow(TimeSpan.FromMinutes(5));
        window.Add(UsageSample.From(Usage("old", "m", 1, at: Now.AddMinutes(-6))));
        window.Add(UsageSample.From(Usage("new", "m", 2, at: Now.AddMinutes(-1))));

        window.Snapshot(Now).Select(s => s.UserId).Should().Equal("new");
    }

    [Fact]
    public void An_empty_store_gives_zeroes_not_errors()
    {
        var summary = SummaryBuilder.Build(UsageTotals.Empty, [], TimeSpan.FromMinutes(5), Now);

        summary.Totals.Requests.Should().Be(0);
        summary.Totals.CacheHitRatio.Should().Be(0);
        summary.Window.P95LatencyMs.Should().BeNull();
        summary.ByModel.Should().BeEmpty();
    }
}
