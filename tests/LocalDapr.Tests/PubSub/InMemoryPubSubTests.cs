using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.PubSub;

/// <summary>The conformance suite on <c>pubsub.in-memory</c> (one broker per component shared by all apps of the runtime).</summary>
public sealed class InMemoryPubSubTests : PubSubConformanceTests
{
    protected override string ComponentYaml(string name, params string[] scopes) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.in-memory
          version: v1
          metadata: []
        {(scopes.Length == 0 ? string.Empty : "scopes:\n" + string.Join("\n", scopes.Select(s => "  - " + s)))}
        """;

    [Fact]
    public async Task A_declarative_subscription_with_an_unsupported_match_stops_start_up()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Subscriber));
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub);
        options.Resources["bad-sub.yaml"] = """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: bad
            spec:
              pubsubname: pubsub
              topic: orders
              routes:
                rules:
                  - match: event.data.items.exists(i, i > 2)
                    path: /big
                default: /orders
            """;

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<LocalDapr.Resources.ResourceException>())
            .Which.Message.Should().Contain("bad-sub.yaml").And.Contain("event.data.items.exists(i, i > 2)");
    }

    [Fact]
    public async Task A_bulk_entry_in_flight_when_the_app_re_subscribes_goes_to_the_new_subscription_instead_of_being_lost()
    {
        var topic = NewTopic("resubscribe");
        var firstDelivery = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var delivered = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var app = await StartAppAsync(a => a.MapPost("/bulk", async (HttpContext context, BulkSubscribeMessage<JsonElement> message) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    // The first batch hangs until the runtime gives up on it (the old subscription is replaced).
                    firstDelivery.TrySetResult();
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return Results.StatusCode(StatusCodes.Status500InternalServerError);
                }

                foreach (var entry in message.Entries)
                {
                    delivered.Enqueue(entry.Event.GetProperty("data").GetProperty("n").GetInt32());
                }

                return Results.Json(new BulkSubscribeAppResponse(message.Entries
                    .Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, BulkSubscribeAppResponseStatus.SUCCESS)).ToList()));
            })
            .WithTopic(PubSub, topic)
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = topic, MaxMessagesCount = 5, MaxAwaitDurationMs = 50 }));
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"n":7}""");
        await firstDelivery.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var instance = app.InstanceFor(Subscriber);
        harness.Instances.SetHealthy(instance, false);
        harness.Instances.SetHealthy(instance, true);

        await Poll.UntilAsync(() => !delivered.IsEmpty, "the entry reached the app through the new subscription");
        delivered.Should().Equal(7);
    }
}
