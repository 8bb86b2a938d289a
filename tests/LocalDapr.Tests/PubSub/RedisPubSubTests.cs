using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace LocalDapr.Tests.PubSub;

/// <summary>
/// The conformance suite on <c>pubsub.redis</c> (Redis Streams) against the Redis at <c>REDIS_CONNECTION</c>
/// (default 127.0.0.1:6379), plus what only a durable broker can do: redeliver what the app did not acknowledge.
/// Every test uses fresh topic (stream) names, so runs never see each other's entries.
/// </summary>
public sealed class RedisPubSubTests : PubSubConformanceTests, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Removes this test's streams (and their dead-letter streams) so a shared Redis does not fill up.</summary>
    public async Task DisposeAsync()
    {
        var keys = UsedTopics.Concat([AttributedTopic]).SelectMany(t => new[] { t, t + "-dead" }).Select(t => (RedisKey)t).ToArray();
        await Redis.Value.GetDatabase().KeyDeleteAsync(keys);
    }

    private static string RedisHost => Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } value ? value : "127.0.0.1:6379";

    protected override string ComponentYaml(string name, params string[] scopes) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.redis
          version: v1
          metadata:
            - name: redisHost
              value: "{RedisHost}"
            - name: redeliverInterval
              value: 200ms
            - name: processingTimeout
              value: 400ms
            - name: maxLenApprox
              value: "100"
        {(scopes.Length == 0 ? string.Empty : "scopes:\n" + string.Join("\n", scopes.Select(s => "  - " + s)))}
        """;

    [Fact]
    public async Task An_unacknowledged_message_is_redelivered_once_the_app_recovers()
    {
        var topic = NewTopic("redeliver");
        var failing = 1;
        var successes = 0;
        var recorder = new Recorder();
        var app = await StartAppAsync(a => a.MapPost("/redeliver", recorder.Handler((_, _) =>
        {
            if (Volatile.Read(ref failing) == 1)
            {
                return Results.StatusCode(500);
            }

            Interlocked.Increment(ref successes);
            return Results.Ok();
        })).WithTopic(PubSub, topic), cloudEvents: false);
        await using var harness = await StartRuntimeAsync([app]);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        await PublishHttpAsync(harness, topic, """{"n":1}""");
        await recorder.WaitForAsync(2);
        Volatile.Write(ref failing, 0);

        await Poll.UntilAsync(() => Volatile.Read(ref successes) >= 1, "the message was redelivered after recovery");
        await AssertAllAcknowledgedAsync(topic);
        recorder.All.Select(r => r.Json["id"]!.GetValue<string>()).Distinct().Should().ContainSingle("every attempt carries the same event");
        successes.Should().Be(1, "an acknowledged message is not delivered again");
    }

    protected override Task ResetTopicAsync(string topic) => Redis.Value.GetDatabase().KeyDeleteAsync(topic);

    protected override Task AssertAllAcknowledgedAsync(string topic) =>
        Poll.UntilAsync(() => PendingCount(topic, Subscriber) == 0, $"every entry of {topic} was acknowledged");

    [Fact]
    public async Task Concurrency_one_hands_the_app_one_message_at_a_time()
    {
        var topic = NewTopic("serial");
        var inFlight = 0;
        var maxInFlight = 0;
        var done = 0;
        var app = await StartAppAsync(a => a.MapPost("/serial", async () =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref done);
            return Results.Ok();
        }).WithTopic(PubSub, topic), cloudEvents: false);
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        options.Apps.Add(new HarnessApp(Subscriber) { Instances = { app } });
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub).Replace("      value: \"100\"", "      value: \"100\"\n    - name: concurrency\n      value: \"1\"", StringComparison.Ordinal);
        options.Resources["pubsub.yaml"].Should().Contain("name: concurrency");
        await using var harness = await RuntimeHarness.StartAsync(options);
        await Poll.SubscribedAsync(harness, Subscriber, topic);

        for (var i = 0; i < 10; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"i":{{i}}}""");
        }

        await Poll.UntilAsync(() => Volatile.Read(ref done) == 10, "all ten were handled");
        maxInFlight.Should().Be(1);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task Maxlen_approx_trims_the_stream_and_entries_carry_a_data_field()
    {
        var topic = NewTopic("trim");
        await using var harness = await StartRuntimeAsync([]);
        for (var i = 0; i < 400; i++)
        {
            await PublishHttpAsync(harness, topic, $$"""{"i":{{i}}}""");
        }

        var db = Redis.Value.GetDatabase();
        (await db.StreamLengthAsync(topic)).Should().BeLessThan(400).And.BeGreaterThanOrEqualTo(100);
        var last = (await db.StreamRangeAsync(topic, "-", "+", count: 1, messageOrder: StackExchange.Redis.Order.Descending)).Single();
        var envelope = System.Text.Json.Nodes.JsonNode.Parse((string)last["data"]!)!;
        envelope["data"]!["i"]!.GetValue<int>().Should().Be(399);
        await db.KeyDeleteAsync(topic);
    }

    [Fact]
    public async Task Missing_redis_host_stops_start_up_naming_the_file_and_field()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Publisher));
        options.Resources["redis-pubsub.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisPassword
                  value: ""
            """;

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<LocalDapr.Resources.ResourceException>())
            .Which.Message.Should().Contain("redis-pubsub.yaml").And.Contain("redisHost");
    }

    private static readonly Lazy<ConnectionMultiplexer> Redis = new(() => ConnectionMultiplexer.Connect(RedisHost));

    private static long PendingCount(string topic, string group) =>
        Redis.Value.GetDatabase().StreamPending(topic, group).PendingMessageCount;
}
