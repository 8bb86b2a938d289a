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

/// <summary>Subscriptions: programmatic and declarative, route rules, re-subscription, metadata.</summary>
public abstract partial class PubSubConformanceTests
{
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
}
