using System.Net;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Monitoring.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Services.Tests.Users.Support;

namespace Services.Tests.Monitoring;

/// <summary>The monitoring app in-process on its real sidecar and monitoring-db: events in as the sidecar delivers them, summary out.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class MonitoringApiTests(LocalSidecars sidecars) : IAsyncLifetime
{
    private WebApplicationFactory<UsageAggregator> _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<UsageAggregator>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in sidecars.SidecarSettings(AppIds.Monitoring))
            {
                b.UseSetting(key, value);
            }
        });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Delivered_events_show_in_the_summary_once_each()
    {
        (await _client.GetStringAsync("/dapr/subscribe")).Should().Contain("usage-recorded");
        var model = "api-model-" + Guid.NewGuid().ToString("n")[..6];
        var usage = SummaryBuilderTests.Usage("ada", model, 30, cacheHit: true, at: DateTimeOffset.UtcNow);
        var data = JsonSerializer.Serialize(usage, ContractsJsonContext.Default.UsageRecorded);
        var cloudEvent = $$"""{"specversion":"1.0","id":"1","source":"gateway-ai","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{{data}}}""";

        for (var i = 0; i < 3; i++)
        {
            var reply = await _client.PostAsync("/events/usage-recorded", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"));
            reply.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var summary = JsonDocument.Parse(await _client.GetStringAsync("/internal/metrics/summary"));
        var byModel = summary.RootElement.GetProperty("by_model").GetProperty(model);
        byModel.GetProperty("totals").GetProperty("requests").GetInt64().Should().Be(1);
        byModel.GetProperty("totals").GetProperty("cache_hit_ratio").GetDouble().Should().Be(1);
        byModel.GetProperty("window_requests").GetInt64().Should().Be(1);
        byModel.GetProperty("window_p95_latency_ms").GetDouble().Should().Be(30);
        summary.RootElement.GetProperty("window").GetProperty("active_users").GetInt32().Should().BeGreaterThanOrEqualTo(1);
    }
}
