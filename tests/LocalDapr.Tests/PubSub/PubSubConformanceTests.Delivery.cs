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

/// <summary>Delivery: reply statuses, retries, dead letters, bulk, fan-out and competing replicas.</summary>
public abstract partial class PubSubConformanceTests
{
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
}
