using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;

namespace Services.Tests.Users;

/// <summary>Bulk deliveries of <c>usage-recorded</c> in daprd's shape, and the statuses a subscriber answers them with.</summary>
internal static class BulkUsageEnvelope
{
    /// <summary>An entry whose event is a CloudEvent carrying <paramref name="usage"/> as JSON data.</summary>
    public static JsonObject Entry(string entryId, UsageRecorded usage) =>
        Entry(entryId, JsonNode.Parse(JsonSerializer.Serialize(usage, ContractsJsonContext.Default.UsageRecorded)));

    public static JsonObject Entry(string entryId, JsonNode? data) => new()
    {
        ["entryId"] = entryId,
        ["event"] = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = "probe",
            ["type"] = "com.dapr.event.sent",
            ["topic"] = Topics.UsageRecorded,
            ["pubsubname"] = Components.PubSub,
            ["datacontenttype"] = "application/json",
            ["data"] = data,
        },
        ["metadata"] = new JsonObject(),
        ["contentType"] = "application/cloudevents+json",
    };

    public static StringContent Of(params JsonObject[] entries) => new(new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["type"] = "com.dapr.event.sent.bulk",
        ["topic"] = Topics.UsageRecorded,
        ["pubsubname"] = Components.PubSub,
        ["metadata"] = new JsonObject(),
        ["entries"] = new JsonArray(entries),
    }.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>entryId → status of a bulk reply; fails the test when the reply is not one.</summary>
    public static async Task<Dictionary<string, string>> StatusesAsync(HttpResponseMessage reply)
    {
        reply.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await reply.Content.ReadAsStringAsync());
        var root = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        return root["statuses"]!.AsArray().ToDictionary(s => s!["entryId"]!.GetValue<string>(), s => s!["status"]!.GetValue<string>());
    }
}
