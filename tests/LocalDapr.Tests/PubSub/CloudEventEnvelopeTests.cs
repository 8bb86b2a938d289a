using System.Text;
using LocalDapr.PubSub;

namespace LocalDapr.Tests.PubSub;

public sealed class CloudEventEnvelopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void Json_data_is_embedded_as_json_with_the_dapr_attributes()
    {
        var ce = CloudEventEnvelope.Create("shop", "orders", "pubsub", Encoding.UTF8.GetBytes("""{"id":7}"""), "application/json", TraceParent, "k=v", Now);

        ce["data"]!["id"]!.GetValue<int>().Should().Be(7);
        ce["specversion"]!.GetValue<string>().Should().Be("1.0");
        ce["type"]!.GetValue<string>().Should().Be("com.dapr.event.sent");
        ce["source"]!.GetValue<string>().Should().Be("shop");
        ce["topic"]!.GetValue<string>().Should().Be("orders");
        ce["pubsubname"]!.GetValue<string>().Should().Be("pubsub");
        ce["traceparent"]!.GetValue<string>().Should().Be(TraceParent);
        ce["traceid"]!.GetValue<string>().Should().Be(TraceParent);
        ce["tracestate"]!.GetValue<string>().Should().Be("k=v");
        ce["time"]!.GetValue<string>().Should().Be("2026-01-02T03:04:05Z");
        Guid.TryParse(ce["id"]!.GetValue<string>(), out _).Should().BeTrue();
    }

    [Fact]
    public void Text_defaults_to_text_plain_and_binary_goes_to_data_base64()
    {
        var text = CloudEventEnvelope.Create("a", "t", "p", Encoding.UTF8.GetBytes("hello"), null, TraceParent, null, Now);
        text["datacontenttype"]!.GetValue<string>().Should().Be("text/plain");
        text["data"]!.GetValue<string>().Should().Be("hello");

        var invalidJson = CloudEventEnvelope.Create("a", "t", "p", Encoding.UTF8.GetBytes("{not json"), "application/json", TraceParent, null, Now);
        invalidJson["data"]!.GetValue<string>().Should().Be("{not json");

        var binary = CloudEventEnvelope.Create("a", "t", "p", new byte[] { 1, 2, 3 }, "application/octet-stream", TraceParent, null, Now);
        binary["data_base64"]!.GetValue<string>().Should().Be("AQID");
        binary.ContainsKey("data").Should().BeFalse();
    }

    [Fact]
    public void An_existing_cloud_event_keeps_its_attributes_and_gets_missing_ones()
    {
        var ce = CloudEventEnvelope.FromCloudEvent(Encoding.UTF8.GetBytes("""{"id":"mine","source":"elsewhere","type":"custom","data":{"a":1}}"""),
            "shop", "orders", "pubsub", TraceParent, null, Now);

        ce["id"]!.GetValue<string>().Should().Be("mine");
        ce["source"]!.GetValue<string>().Should().Be("elsewhere");
        ce["type"]!.GetValue<string>().Should().Be("custom");
        ce["specversion"]!.GetValue<string>().Should().Be("1.0");
        ce["topic"]!.GetValue<string>().Should().Be("orders");
        ce["traceparent"]!.GetValue<string>().Should().Be(TraceParent);
    }

    [Fact]
    public void Expiration_is_honoured()
    {
        var ce = CloudEventEnvelope.Create("a", "t", "p", Encoding.UTF8.GetBytes("x"), null, TraceParent, null, Now);
        CloudEventEnvelope.SetExpiration(ce, TimeSpan.FromSeconds(10), Now);

        ce["expiration"]!.GetValue<string>().Should().Be("2026-01-02T03:04:15Z");
        CloudEventEnvelope.HasExpired(ce, Now.AddSeconds(5)).Should().BeFalse();
        CloudEventEnvelope.HasExpired(ce, Now.AddSeconds(11)).Should().BeTrue();
    }
}
