using System.Net;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Monitoring.Metrics;
using Services.Tests.Users.Support;

namespace Services.Tests.Monitoring;

/// <summary>The monitoring app in-process on its real sidecar and monitoring-db: events in as the sidecar delivers them, summary out.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class MonitoringApiTests(LocalSidecars sidecars) : SidecarAppTests<UsageAggregator>(sidecars, AppIds.Monitoring)
{

    [Fact]
    public async Task Delivered_events_show_in_the_summary_once_each()
    {
        (await Client.GetStringAsync("/dapr/subscribe")).Should().Contain("usage-recorded");
        var model = "api-model-" + Guid.NewGuid().ToString("n")[..6];
        var usage = SummaryBuilderTests.Usage("ada", model, 30, cacheHit: true, at: DateTimeOffset.UtcNow);
        var data = JsonSerializer.Serialize(usage, ContractsJsonContext.Default.UsageRecorded);
        var cloudEvent = $$"""{"specversion":"1.0","id":"1","source":"gateway-ai","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{{data}}}""";

        for (var i = 0; i < 3; i++)
        {
            var reply = await Client.PostAsync("/events/usage-recorded", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"));
            reply.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var summary = JsonDocument.Parse(await Client.GetStringAsync("/internal/metrics/summary"));
        var byModel = summary.RootElement.GetProperty("by_model").GetProperty(model);
        byModel.GetProperty("totals").GetProperty("requests").GetInt64().Should().Be(1);
        byModel.GetProperty("totals").GetProperty("cache_hit_ratio").GetDouble().Should().Be(1);
        byModel.GetProperty("window_requests").GetInt64().Should().Be(1);
        byModel.GetProperty("window_p95_latency_ms").GetDouble().Should().Be(30);
        summary.RootElement.GetProperty("window").GetProperty("active_users").GetInt32().Should().BeGreaterThanOrEqualTo(1);
    }
}
