using System.Net;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Tests.PubSub;

/// <summary>
/// The pub/sub behaviour every component must show, driven through the sidecar HTTP/gRPC APIs and apps built with
/// Dapr.AspNetCore (<c>MapSubscribeHandler</c>, <c>WithTopic</c>, <c>UseCloudEvents</c>). Derived classes pick the component.
/// </summary>
public abstract partial class PubSubConformanceTests
{
    protected const string PubSub = "pubsub";
    protected const string Publisher = "publisher";
    protected const string Subscriber = "subscriber";
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>Component YAML named <paramref name="name"/>, limited to <paramref name="scopes"/> when given.</summary>
    protected abstract string ComponentYaml(string name, params string[] scopes);

    /// <summary>[Topic] needs a constant name: brokers that persist topics start it empty here.</summary>
    protected const string AttributedTopic = "attributed-orders";

    protected virtual Task ResetTopicAsync(string topic) => Task.CompletedTask;

    /// <summary>Broker-level check that nothing is left unacknowledged (Redis: no pending entries).</summary>
    protected virtual Task AssertAllAcknowledgedAsync(string topic) => Task.CompletedTask;

    /// <summary>A topic name no other test (or earlier run against the same Redis) uses.</summary>
    protected string NewTopic(string prefix)
    {
        var topic = $"{prefix}-{Guid.NewGuid():n}";
        UsedTopics.Add(topic);
        return topic;
    }

    /// <summary>Topics this test created (xunit makes one instance per test), for brokers that keep them.</summary>
    protected List<string> UsedTopics { get; } = [];

    protected static string InboundRetryYaml(int maxRetries) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: pubsub-inbound
        spec:
          policies:
            retries:
              fast:
                policy: constant
                duration: 50ms
                maxRetries: {maxRetries}
          targets:
            components:
              {PubSub}:
                inbound:
                  retry: fast
        """;

    protected static Task<TestApp> StartAppAsync(Action<WebApplication> map, bool cloudEvents = true) =>
        TestApp.StartAsync(app =>
        {
            if (cloudEvents)
            {
                app.UseCloudEvents();
            }

            app.MapSubscribeHandler();
            map(app);
        });

    protected async Task<RuntimeHarness> StartRuntimeAsync(IEnumerable<TestApp> subscriberInstances, params string[] extraResources)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        var subscriber = new HarnessApp(Subscriber);
        subscriber.Instances.AddRange(subscriberInstances);
        options.Apps.Add(subscriber);
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub);
        for (var i = 0; i < extraResources.Length; i++)
        {
            options.Resources[$"extra-{i}.yaml"] = extraResources[i];
        }

        return await RuntimeHarness.StartAsync(options);
    }

    protected static async Task PublishHttpAsync(RuntimeHarness harness, string topic, string body, string contentType = "application/json", string query = "")
    {
        var client = harness.CreateSidecarHttpClient(Publisher);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/{PubSub}/{topic}{query}")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("traceparent", TraceParent);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }
    [Fact]
    public async Task Http_publish_arrives_as_a_cloud_event_with_daprs_envelope()
    {
        var topic = NewTopic("orders");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/orders", recorder.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"orderId":42,"note":"x"}""", query: "?metadata.ttlInSeconds=120");

        var received = (await recorder.WaitForAsync(1))[0];
        received.ContentType.Should().Be("application/cloudevents+json");
        received.Headers["traceparent"].Should().Be(TraceParent);
        var ce = received.Json;
        ce["specversion"]!.GetValue<string>().Should().Be("1.0");
        ce["type"]!.GetValue<string>().Should().Be("com.dapr.event.sent");
        ce["source"]!.GetValue<string>().Should().Be(Publisher);
        ce["topic"]!.GetValue<string>().Should().Be(topic);
        ce["pubsubname"]!.GetValue<string>().Should().Be(PubSub);
        ce["datacontenttype"]!.GetValue<string>().Should().StartWith("application/json");
        ce["traceparent"]!.GetValue<string>().Should().Be(TraceParent);
        ce["data"]!["orderId"]!.GetValue<int>().Should().Be(42);
        ce["id"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        var time = DateTimeOffset.Parse(ce["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset.Parse(ce["expiration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().Be(time.AddSeconds(120), "ttlInSeconds sets expiration relative to the event time");
    }

    [Fact]
    public async Task Sdk_publish_and_bulk_publish_reach_a_UseCloudEvents_handler()
    {
        var topic = NewTopic("sdk");
        var orders = new System.Collections.Concurrent.ConcurrentBag<int>();
        var app = await StartAppAsync(a => a.MapPost("/sdk", (Order order) =>
        {
            orders.Add(order.OrderId);
            return Results.Ok();
        }).WithTopic(PubSub, topic));
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);
        var client = harness.CreateClient(Publisher);

        await client.PublishEventAsync(PubSub, topic, new Order(1));
        var bulk = await client.BulkPublishEventAsync(PubSub, topic, new List<Order> { new(2), new(3) });

        bulk.FailedEntries.Should().BeEmpty();
        await Poll.UntilAsync(() => orders.Count >= 3, "three SDK-published orders arrived");
        orders.Should().BeEquivalentTo([1, 2, 3]);
    }

    [Fact]
    public async Task An_sdk_cloud_event_passes_through_with_its_own_attributes()
    {
        var topic = NewTopic("ce");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/ce", recorder.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await harness.CreateClient(Publisher).PublishEventAsync(PubSub, topic,
            new CloudEvent<Order>(new Order(9)) { Type = "shop.order.created", Source = new Uri("urn:shop"), Subject = "order-9" });

        var ce = (await recorder.WaitForAsync(1))[0].Json;
        ce["type"]!.GetValue<string>().Should().Be("shop.order.created");
        ce["source"]!.GetValue<string>().Should().Be("urn:shop");
        ce["subject"]!.GetValue<string>().Should().Be("order-9");
        ce["data"]!["orderId"]!.GetValue<int>().Should().Be(9);
        ce["topic"]!.GetValue<string>().Should().Be(topic);
        ce["pubsubname"]!.GetValue<string>().Should().Be(PubSub);
        ce["id"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        ce["specversion"]!.GetValue<string>().Should().Be("1.0");
    }

    [Fact]
    public async Task Raw_payload_is_published_as_is_and_delivered_to_a_raw_subscriber()
    {
        var topic = NewTopic("raw");
        string? body = null;
        string? contentType = null;
        var app = await StartAppAsync(a => a.MapPost("/raw", async (HttpRequest request) =>
        {
            contentType = request.ContentType;
            body = await new StreamReader(request.Body).ReadToEndAsync();
            return Results.Ok();
        }).WithTopic(PubSub, topic, enableRawPayload: true));
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, "plain bytes, no envelope", "text/plain", "?metadata.rawPayload=true");

        await Poll.UntilAsync(() => body is not null, "the raw payload arrived");
        body.Should().Be("plain bytes, no envelope");
        contentType.Should().Be("application/octet-stream");
    }

    [Fact]
    public async Task A_component_out_of_scope_and_an_unknown_pubsub_answer_not_found()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        options.Apps.Add(new HarnessApp(Subscriber));
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub, Subscriber);
        await using var harness = await RuntimeHarness.StartAsync(options);
        var http = harness.CreateSidecarHttpClient(Publisher);

        foreach (var name in new[] { PubSub, "no-such-pubsub" })
        {
            using var response = await http.PostAsync($"/v1.0/publish/{name}/t", new StringContent("{}", Encoding.UTF8, "application/json"));
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            error.GetProperty("errorCode").GetString().Should().Be("ERR_PUBSUB_NOT_FOUND");
            error.GetProperty("message").GetString().Should().Be($"pubsub {name} is not found");
        }

        var sdk = harness.CreateClient(Publisher);
        var act = () => sdk.PublishEventAsync(PubSub, "t", new Order(1));
        (await act.Should().ThrowAsync<Dapr.DaprException>()).Which.ToString().Should().Contain($"pubsub {PubSub}");
    }

    [Fact]
    public async Task Http_bulk_publish_delivers_every_entry_and_rejects_duplicate_entry_ids()
    {
        var topic = NewTopic("bulkpub");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/bulkpub", recorder.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);
        var http = harness.CreateSidecarHttpClient(Publisher);

        using var ok = await http.PostAsync($"/v1.0-alpha1/publish/bulk/{PubSub}/{topic}", new StringContent("""
            [{"entryId":"a","event":{"n":1},"contentType":"application/json"},
             {"entryId":"b","event":"hello","contentType":"text/plain"}]
            """, Encoding.UTF8, "application/json"));
        using var duplicate = await http.PostAsync($"/v1.0-alpha1/publish/bulk/{PubSub}/{topic}", new StringContent("""
            [{"entryId":"x","event":{},"contentType":"application/json"},{"entryId":"x","event":{},"contentType":"application/json"}]
            """, Encoding.UTF8, "application/json"));

        ok.StatusCode.Should().Be(HttpStatusCode.NoContent);
        duplicate.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await duplicate.Content.ReadAsStringAsync()).RootElement.GetProperty("errorCode").GetString().Should().Be("ERR_PUBSUB_EVENTS_SER");
        var received = await recorder.WaitForAsync(2);
        received.Select(r => r.Json["data"]!.ToJsonString()).Should().BeEquivalentTo(["""{"n":1}""", "\"hello\""]);
        received.Select(r => r.Json["datacontenttype"]!.GetValue<string>()).Should().BeEquivalentTo(["application/json", "text/plain"]);
    }

    [Fact]
    public async Task Unknown_pubsub_type_stops_start_up_naming_the_file_and_type()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        options.Resources["broken.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: mq
            spec:
              type: pubsub.rabbitmq-ish
              version: v1
              metadata: []
            """;

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<LocalDapr.Resources.ResourceException>())
            .Which.Message.Should().Contain("broken.yaml").And.Contain("pubsub.rabbitmq-ish");
    }

    internal sealed record Order(int OrderId);
}
