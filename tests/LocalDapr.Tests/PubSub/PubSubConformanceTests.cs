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
public abstract class PubSubConformanceTests
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
    protected static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():n}";

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
    public async Task Topic_attribute_on_a_minimal_api_handler_subscribes_with_its_dead_letter_topic()
    {
        await ResetTopicAsync(AttributedTopic);
        await ResetTopicAsync(AttributedTopic + "-dead");
        var orders = new System.Collections.Concurrent.ConcurrentBag<int>();
        var dead = new System.Collections.Concurrent.ConcurrentBag<int>();
        var app = await StartAppAsync(a =>
        {
            a.MapPost("/attributed", [Topic(PubSub, AttributedTopic, AttributedTopic + "-dead", false)] (Order order) =>
            {
                orders.Add(order.OrderId);
                return order.OrderId < 0 ? Results.NotFound() : Results.Ok();
            });
            a.MapPost("/attributed-dead", [Topic(PubSub, AttributedTopic + "-dead")] (Order order) =>
            {
                dead.Add(order.OrderId);
                return Results.Ok();
            });
        });
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, AttributedTopic + "-dead");

        await PublishHttpAsync(harness, AttributedTopic, """{"orderId":5}""");
        await PublishHttpAsync(harness, AttributedTopic, """{"orderId":-1}""");

        await Poll.UntilAsync(() => orders.Count >= 2 && dead.Count >= 1, "both orders were handled and the 404 one dead-lettered");
        orders.Should().BeEquivalentTo([5, -1]);
        dead.Should().Equal(-1);
        harness.Runtime.Services.GetRequiredService<LocalDapr.Abstractions.ISubscriptionRegistry>().SubscriptionsFor(Subscriber)
            .Should().Contain(s => s.Topic == AttributedTopic && s.DeadLetterTopic == AttributedTopic + "-dead" && s.Type == "PROGRAMMATIC");
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
    public async Task Route_rules_pick_the_first_matching_path_else_the_default()
    {
        var topic = NewTopic("routed");
        var recorder = new Recorder();
        var app = await StartAppAsync(a =>
        {
            a.MapPost("/big", recorder.Handler()).WithTopic(new TopicOptions { PubsubName = PubSub, Name = topic, Match = "event.data.size == \"big\"", Priority = 1 });
            a.MapPost("/urgent", recorder.Handler()).WithTopic(new TopicOptions { PubsubName = PubSub, Name = topic, Match = "event.data.urgent == true && event.type == \"com.dapr.event.sent\"", Priority = 2 });
            a.MapPost("/other", recorder.Handler()).WithTopic(PubSub, topic);
        });
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"size":"big","urgent":true}""");
        await PublishHttpAsync(harness, topic, """{"size":"small","urgent":true}""");
        await PublishHttpAsync(harness, topic, """{"size":"small","urgent":false}""");

        await recorder.WaitForAsync(3);
        recorder.At("/big").Should().ContainSingle();
        recorder.At("/urgent").Should().ContainSingle();
        recorder.At("/other").Should().ContainSingle();
    }

    [Fact]
    public async Task A_subscription_with_an_unsupported_match_is_skipped_and_the_others_still_work()
    {
        var bad = NewTopic("bad");
        var good = NewTopic("good");
        var recorder = new Recorder();
        var app = await StartAppAsync(a =>
        {
            a.MapPost("/bad", recorder.Handler()).WithTopic(new TopicOptions { PubsubName = PubSub, Name = bad, Match = "has(event.data.x)", Priority = 1 });
            a.MapPost("/good", recorder.Handler()).WithTopic(PubSub, good);
        }, cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, good);

        await PublishHttpAsync(harness, good, """{"ok":true}""");

        await recorder.WaitForAsync(1, "/good");
        harness.Runtime.Services.GetRequiredService<LocalDapr.Abstractions.ISubscriptionRegistry>().SubscriptionsFor(Subscriber)
            .Should().ContainSingle().Which.Topic.Should().Be(good);
    }

    [Fact]
    public async Task Retry_status_is_redelivered_under_the_inbound_retry_policy_until_success()
    {
        var topic = NewTopic("retry");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/retry", recorder.Handler((call, _) =>
            call < 3 ? Results.Json(new { status = "RETRY" }) : Results.Json(new { status = "SUCCESS" }))).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app], InboundRetryYaml(5));
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"n":1}""");

        var attempts = await recorder.WaitForAsync(3);
        attempts.Select(a => a.Json["id"]!.GetValue<string>()).Distinct().Should().ContainSingle("the same event is redelivered");
    }

    [Fact]
    public async Task Drop_status_sends_the_event_to_the_dead_letter_topic()
    {
        var topic = NewTopic("drop");
        var deadLetter = topic + "-dead";
        var recorder = new Recorder();
        var app = await StartAppAsync(a =>
        {
            a.MapPost("/drop", recorder.Handler((_, _) => Results.Json(new { status = "DROP" })))
                .WithTopic(new TopicOptions { PubsubName = PubSub, Name = topic, DeadLetterTopic = deadLetter });
            a.MapPost("/dead", recorder.Handler()).WithTopic(PubSub, deadLetter);
        }, cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, deadLetter);

        await PublishHttpAsync(harness, topic, """{"n":7}""");

        var dead = (await recorder.WaitForAsync(1, "/dead"))[0].Json;
        dead["data"]!["n"]!.GetValue<int>().Should().Be(7);
        dead["topic"]!.GetValue<string>().Should().Be(topic, "the dead-lettered event is the original envelope");
        recorder.At("/drop").Should().ContainSingle("DROP is not retried");
    }

    [Fact]
    public async Task Not_found_route_and_exhausted_retries_go_to_the_dead_letter_topic()
    {
        var topic404 = NewTopic("missing");
        var topic500 = NewTopic("failing");
        var deadLetter = NewTopic("dead");
        var recorder = new Recorder();
        var app = await StartAppAsync(a =>
        {
            a.MapPost("/failing", recorder.Handler((_, _) => Results.StatusCode(500)));
            a.MapPost("/dead", recorder.Handler()).WithTopic(PubSub, deadLetter);
        }, cloudEvents: false);
        var subscriptions = $"""
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: missing-route
            spec:
              pubsubname: {PubSub}
              topic: {topic404}
              routes:
                default: /does-not-exist
              deadLetterTopic: {deadLetter}
            scopes: [{Subscriber}]
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: failing-route
            spec:
              pubsubname: {PubSub}
              topic: {topic500}
              routes:
                default: /failing
              deadLetterTopic: {deadLetter}
            scopes: [{Subscriber}]
            """;
        await using var harness = await StartRuntimeAsync([app], subscriptions, InboundRetryYaml(2));
        await Poll.SubscribedAsync(harness, Subscriber, deadLetter);

        await PublishHttpAsync(harness, topic404, """{"case":"404"}""");
        await PublishHttpAsync(harness, topic500, """{"case":"500"}""");

        var dead = await recorder.WaitForAsync(2, "/dead");
        dead.Select(d => d.Json["data"]!["case"]!.GetValue<string>()).Should().BeEquivalentTo(["404", "500"]);
        recorder.At("/failing").Should().HaveCount(3, "one attempt plus two retries before dead-lettering");
    }

    [Fact]
    public async Task Declarative_subscription_delivers_only_to_apps_in_its_scopes()
    {
        var topic = NewTopic("declared");
        var recorder = new Recorder();
        var app = await TestApp.StartAsync(a => a.MapPost("/declared", recorder.Handler()));
        var other = new Recorder();
        var otherApp = await TestApp.StartAsync(a => a.MapPost("/declared", other.Handler()));
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher) { Instances = { otherApp } });
        options.Apps.Add(new HarnessApp(Subscriber) { Instances = { app } });
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub);
        options.Resources["sub.yaml"] = $"""
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: declared
            spec:
              pubsubname: {PubSub}
              topic: {topic}
              routes:
                default: declared
            scopes:
              - {Subscriber}
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"d":1}""");

        (await recorder.WaitForAsync(1)).Should().ContainSingle();
        var info = harness.Runtime.Services.GetRequiredService<LocalDapr.Abstractions.ISubscriptionRegistry>().SubscriptionsFor(Subscriber);
        info.Should().ContainSingle(s => s.Topic == topic).Which.Type.Should().Be("DECLARATIVE");
        harness.Runtime.Services.GetRequiredService<LocalDapr.Abstractions.ISubscriptionRegistry>().SubscriptionsFor(Publisher).Should().BeEmpty();
        other.Calls.Should().Be(0);
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
    public async Task Every_subscribing_app_id_gets_each_event_once()
    {
        var topic = NewTopic("fanout");
        var subscriber = new Recorder();
        var auditor = new Recorder();
        var subscriberApp = await StartAppAsync(a => a.MapPost("/fanout", subscriber.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        var auditorApp = await StartAppAsync(a => a.MapPost("/fanout", auditor.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        options.Apps.Add(new HarnessApp(Subscriber) { Instances = { subscriberApp } });
        options.Apps.Add(new HarnessApp("auditor") { Instances = { auditorApp } });
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub);
        await using var harness = await RuntimeHarness.StartAsync(options);
        await Poll.SubscribedAsync(harness, Subscriber, topic);
        await Poll.SubscribedAsync(harness, "auditor", topic);

        for (var i = 0; i < 5; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"i":{{i}}}""");
        }

        await subscriber.WaitForAsync(5);
        await auditor.WaitForAsync(5);
        subscriber.All.Select(r => r.Json["id"]!.GetValue<string>()).Should().BeEquivalentTo(auditor.All.Select(r => r.Json["id"]!.GetValue<string>()));
        subscriber.All.Select(r => r.Json["id"]!.GetValue<string>()).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Replicas_of_one_app_id_compete_and_each_event_arrives_once()
    {
        var topic = NewTopic("work");
        var first = new Recorder();
        var second = new Recorder();
        var replicaA = await StartAppAsync(a => a.MapPost("/work", first.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        var replicaB = await StartAppAsync(a => a.MapPost("/work", second.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([replicaA, replicaB]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        for (var i = 0; i < 20; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"i":{{i}}}""");
        }

        await Poll.UntilAsync(() => first.Calls + second.Calls >= 20, "all 20 events were delivered");
        var ids = first.All.Concat(second.All).Select(r => r.Json["data"]!["i"]!.GetValue<int>()).ToArray();
        ids.Should().OnlyHaveUniqueItems().And.HaveCount(20);
        first.Calls.Should().BeGreaterThan(0);
        second.Calls.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Resubscribing_after_an_app_restart_does_not_duplicate_consumers()
    {
        var topic = NewTopic("again");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/again", recorder.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);
        var instance = app.InstanceFor(Subscriber);

        for (var restart = 0; restart < 2; restart++)
        {
            harness.Instances.SetHealthy(instance, false);
            harness.Instances.SetHealthy(instance, true);
        }

        await PublishHttpAsync(harness, topic, """{"n":1}""");
        await recorder.WaitForAsync(1);
        await PublishHttpAsync(harness, topic, """{"n":2}""");
        await recorder.WaitForAsync(2);

        recorder.All.Select(r => r.Json["data"]!["n"]!.GetValue<int>()).Should().Equal(1, 2);
        harness.Runtime.Services.GetRequiredService<LocalDapr.Abstractions.ISubscriptionRegistry>().SubscriptionsFor(Subscriber)
            .Should().ContainSingle(s => s.Topic == topic);
    }

    [Fact]
    public async Task Bulk_subscribe_delivers_batches_and_retries_entries_without_a_status()
    {
        var topic = NewTopic("bulk");
        var batches = new System.Collections.Concurrent.ConcurrentQueue<BulkSubscribeMessage<JsonElement>>();
        var skipped = 0;
        var app = await StartAppAsync(a => a.MapPost("/bulk", (BulkSubscribeMessage<JsonElement> message) =>
            {
                batches.Enqueue(message);
                // The first time entry n=0 is seen it gets no status: it must come back (RETRY semantics).
                var statuses = message.Entries
                    .Where(e => !(e.Event.GetProperty("data").GetProperty("n").GetInt32() == 0 && Interlocked.Exchange(ref skipped, 1) == 0))
                    .Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, BulkSubscribeAppResponseStatus.SUCCESS))
                    .ToList();
                return Results.Json(new BulkSubscribeAppResponse(statuses));
            })
            .WithTopic(PubSub, topic)
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = topic, MaxMessagesCount = 5, MaxAwaitDurationMs = 300 }));
        await using var harness = await StartRuntimeAsync([app], InboundRetryYaml(3));
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        for (var i = 0; i < 5; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"n":{{i}}}""");
        }

        int[] Seen() => batches.SelectMany(b => b.Entries).Select(e => e.Event.GetProperty("data").GetProperty("n").GetInt32()).ToArray();
        await Poll.UntilAsync(() => Seen().Count(n => n == 0) >= 2 && Seen().Distinct().Count() == 5, "all entries arrived and the unanswered one came back");
        Seen().Where(n => n != 0).Should().OnlyHaveUniqueItems("answered entries are not redelivered");
        batches.Should().Contain(b => b.Entries.Count > 1, "messages are batched");
        batches.First().Topic.Should().Be(topic);
    }

    [Fact]
    public async Task Messages_published_while_the_app_is_down_arrive_exactly_once_after_it_returns()
    {
        var topic = NewTopic("down");
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/down", recorder.Handler()).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);
        var instance = app.InstanceFor(Subscriber);

        harness.Instances.SetHealthy(instance, false);
        for (var i = 0; i < 3; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"i":{{i}}}""");
        }

        recorder.Calls.Should().Be(0, "nothing can reach an app without a healthy instance");
        harness.Instances.SetHealthy(instance, true);

        await recorder.WaitForAsync(3);
        await AssertAllAcknowledgedAsync(topic);
        await PublishHttpAsync(harness, topic, """{"i":3}""");
        await recorder.WaitForAsync(4);
        recorder.All.Select(r => r.Json["data"]!["i"]!.GetValue<int>()).Should().BeEquivalentTo([0, 1, 2, 3]);
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
    public async Task Metadata_api_lists_the_subscriptions_of_the_app()
    {
        var topic = NewTopic("listed");
        var app = await StartAppAsync(a => a.MapPost("/listed", () => Results.Ok())
            .WithTopic(new TopicOptions { PubsubName = PubSub, Name = topic, DeadLetterTopic = topic + "-dead" }));
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        using var response = await harness.CreateSidecarHttpClient(Subscriber).GetAsync("/v1.0/metadata");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var subscriptions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("subscriptions").EnumerateArray().ToArray();
        var listed = subscriptions.Should().ContainSingle(s => s.GetProperty("topic").GetString() == topic).Subject;
        listed.GetProperty("pubsubname").GetString().Should().Be(PubSub);
        listed.GetProperty("deadLetterTopic").GetString().Should().Be(topic + "-dead");
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
