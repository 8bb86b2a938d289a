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

    [Fact]
    public async Task A_delivered_batch_gets_an_outcome_per_event_and_batches_racing_each_other_count_each_event_once()
    {
        var time = new FixedTime(DateTimeOffset.UtcNow);
        var aggregator = new UsageAggregator(sidecars.Store(AppIds.Monitoring), new RecentWindow(TimeSpan.FromMinutes(5)), time);
        var model = "batch-" + Guid.NewGuid().ToString("n")[..8];
        var events = Enumerable.Range(0, 40).Select(i => SummaryBuilderTests.Usage($"user{i % 4}", model, 5, at: time.Now)).ToList();

        var outcomes = await aggregator.RecordAllAsync([.. events[..10], events[0]], default);
        outcomes.Should().Equal([.. Enumerable.Repeat(RecordOutcome.Counted, 10), RecordOutcome.Duplicate]);

        // Overlapping batches at once (a redelivery racing the first delivery): every event counted exactly once.
        var racing = await Task.WhenAll(
            Task.Run(() => aggregator.RecordAllAsync(events[5..30], default)),
            Task.Run(() => aggregator.RecordAllAsync(events[20..], default)));
        racing.SelectMany(o => o).Should().NotContain(RecordOutcome.Failed);
        racing.SelectMany(o => o).Count(o => o == RecordOutcome.Counted).Should().Be(30);
        (await aggregator.SummaryAsync(default)).ByModel[model].Totals.Requests.Should().Be(40);
    }
}
