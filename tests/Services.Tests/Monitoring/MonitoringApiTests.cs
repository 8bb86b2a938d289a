using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Monitoring.Metrics;
using Services.Tests.Users.Support;

namespace Services.Tests.Monitoring;

/// <summary>
/// The monitoring app in-process on its real sidecar and monitoring-db: usage events in as the sidecar's bulk delivery
/// hands them over (DAPR-CONTRACT.md §3.4), a status per entry back, the summary out.
/// </summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class MonitoringApiTests(LocalSidecars sidecars) : SidecarAppTests<UsageAggregator>(sidecars, AppIds.Monitoring)
{
    [Fact]
    public async Task The_subscription_asks_the_sidecar_for_bulk_delivery()
    {
        using var subscriptions = JsonDocument.Parse(await Client.GetStringAsync("/dapr/subscribe"));
        var usage = subscriptions.RootElement.EnumerateArray().Single(s => s.GetProperty("topic").GetString() == Topics.UsageRecorded);

        usage.GetProperty("pubsubName").GetString().Should().Be(Components.PubSub);
        var bulk = usage.GetProperty("bulkSubscribe");
        bulk.GetProperty("enabled").GetBoolean().Should().BeTrue();
        bulk.GetProperty("maxMessagesCount").GetInt32().Should().BeGreaterThan(1);
        bulk.GetProperty("maxAwaitDurationMs").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_bulk_delivery_counts_each_event_once_and_answers_a_status_per_entry()
    {
        var model = "bulk-model-" + Guid.NewGuid().ToString("n")[..6];
        var first = SummaryBuilderTests.Usage("ada", model, 30, cacheHit: true, at: DateTimeOffset.UtcNow);
        var second = SummaryBuilderTests.Usage("bob", model, 50, at: DateTimeOffset.UtcNow);
        var entries = new (string EntryId, JsonNode Event)[]
        {
            ("e1", CloudEvent(first)),
            ("e2", CloudEvent(second)),
            ("e3", CloudEvent(first)), // redelivered in the same batch
            ("e4", JsonNode.Parse("""{"specversion":"1.0","id":"x","data":{"nonsense":true}}""")!),
        };

        var statuses = await DeliverAsync(entries);

        statuses.Should().Equal(new Dictionary<string, string> { ["e1"] = "SUCCESS", ["e2"] = "SUCCESS", ["e3"] = "SUCCESS", ["e4"] = "DROP" });
        var byModel = await ModelSummaryAsync(model);
        byModel.GetProperty("totals").GetProperty("requests").GetInt64().Should().Be(2);
        byModel.GetProperty("totals").GetProperty("cache_hit_ratio").GetDouble().Should().Be(0.5);
        byModel.GetProperty("window_requests").GetInt64().Should().Be(2);

        // A later batch redelivering both (the sidecar's retry after a lost reply) succeeds without counting again.
        (await DeliverAsync([("r1", CloudEvent(second)), ("r2", CloudEvent(first))])).Values.Should().AllBe("SUCCESS");
        (await ModelSummaryAsync(model)).GetProperty("totals").GetProperty("requests").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task Raw_payload_entries_and_camel_case_events_are_read_too()
    {
        var model = "raw-model-" + Guid.NewGuid().ToString("n")[..6];
        var usage = SummaryBuilderTests.Usage("cy", model, 10, at: DateTimeOffset.UtcNow);
        var camelCase = JsonSerializer.SerializeToNode(
            SummaryBuilderTests.Usage("di", model, 20, at: DateTimeOffset.UtcNow),
            new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() })!;

        var statuses = await DeliverAsync([("raw", JsonSerializer.SerializeToNode(usage, ContractsJsonContext.Default.UsageRecorded)!), ("camel", new JsonObject { ["data"] = camelCase })]);

        statuses.Values.Should().AllBe("SUCCESS");
        (await ModelSummaryAsync(model)).GetProperty("totals").GetProperty("requests").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task An_empty_batch_is_answered_with_no_statuses()
    {
        (await DeliverAsync([])).Should().BeEmpty();
    }

    private static JsonNode CloudEvent(UsageRecorded usage) => new JsonObject
    {
        ["specversion"] = "1.0",
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = AppIds.GatewayAi,
        ["type"] = "com.dapr.event.sent",
        ["datacontenttype"] = "application/json",
        ["data"] = JsonSerializer.SerializeToNode(usage, ContractsJsonContext.Default.UsageRecorded),
    };

    /// <summary>POSTs one bulk envelope exactly as the sidecar does and returns entryId → status.</summary>
    private async Task<Dictionary<string, string>> DeliverAsync((string EntryId, JsonNode Event)[] entries)
    {
        var items = new JsonArray();
        foreach (var (entryId, evt) in entries)
        {
            items.Add(new JsonObject { ["entryId"] = entryId, ["event"] = evt.DeepClone(), ["metadata"] = new JsonObject(), ["contentType"] = "application/cloudevents+json" });
        }

        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent.bulk",
            ["topic"] = Topics.UsageRecorded,
            ["pubsubname"] = Components.PubSub,
            ["metadata"] = new JsonObject(),
            ["entries"] = items,
        };
        var reply = await Client.PostAsync("/events/usage-recorded", new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json"));
        reply.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("statuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("entryId").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    private async Task<JsonElement> ModelSummaryAsync(string model)
    {
        using var summary = JsonDocument.Parse(await Client.GetStringAsync("/internal/metrics/summary"));
        return summary.RootElement.GetProperty("by_model").GetProperty(model).Clone();
    }
}
