using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Monitoring.Metrics;
using Services.Tests.Users.Support;

namespace Services.Tests.Monitoring;

/// <summary>Idempotent aggregation against the real monitoring-db (SQLite) behind a local sidecar.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class UsageAggregatorTests(LocalSidecars sidecars)
{
    [Fact]
    public async Task Each_event_is_counted_once_even_when_redelivered_concurrently()
    {
        var time = new FixedTime(DateTimeOffset.UtcNow);
        var window = new RecentWindow(TimeSpan.FromMinutes(5));
        var aggregator = new UsageAggregator(sidecars.Store(AppIds.Monitoring), window, time);
        var before = (await aggregator.SummaryAsync(default)).Totals.Requests;
        var model = "model-" + Guid.NewGuid().ToString("n")[..8];
        var events = Enumerable.Range(0, 10).Select(i => SummaryBuilderTests.Usage($"user{i % 3}", model, 10 + i, at: time.Now)).ToList();

        var counted = await Task.WhenAll(events.Concat(events).Select(e => aggregator.RecordAsync(e, default)));

        counted.Count(c => c).Should().Be(10);
        var summary = await aggregator.SummaryAsync(default);
        summary.Totals.Requests.Should().Be(before + 10);
        summary.ByModel[model].Totals.Requests.Should().Be(10);
        summary.ByModel[model].WindowRequests.Should().Be(10);
        summary.Window.ActiveUsers.Should().Be(3);

        // Another replica (fresh in-memory window) sees the same all-time totals from the store.
        var replica = new UsageAggregator(sidecars.Store(AppIds.Monitoring), new RecentWindow(TimeSpan.FromMinutes(5)), time);
        (await replica.SummaryAsync(default)).ByModel[model].Totals.Requests.Should().Be(10);
    }

    [Fact]
    public async Task A_burst_larger_than_one_batch_is_counted_exactly_once_per_event()
    {
        var time = new FixedTime(DateTimeOffset.UtcNow);
        var aggregator = new UsageAggregator(sidecars.Store(AppIds.Monitoring), new RecentWindow(TimeSpan.FromMinutes(5)), time);
        var model = "burst-" + Guid.NewGuid().ToString("n")[..8];
        var events = Enumerable.Range(0, 600).Select(i => SummaryBuilderTests.Usage($"user{i % 7}", model, 1 + i % 5, at: time.Now)).ToList();
        var deliveries = events.Concat(events.Where((_, i) => i % 3 == 0)).OrderBy(_ => Random.Shared.Next()).ToList();

        var counted = await Task.WhenAll(deliveries.Select(e => Task.Run(() => aggregator.RecordAsync(e, default))));

        counted.Count(c => c).Should().Be(events.Count, "every event counts once, its redeliveries never");
        var totals = (await aggregator.SummaryAsync(default)).ByModel[model].Totals;
        totals.Requests.Should().Be(events.Count);
        totals.PromptTokens.Should().Be(events.Sum(e => (long)e.PromptTokens));
    }
}
