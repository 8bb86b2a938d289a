using System.Text;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalDapr.Tests.PubSub;

/// <summary>
/// A pub/sub component whose consumerID holds <c>{uuid}</c> gives every instance of a subscribed app its own
/// consumer, so both replicas get every message; the same component type without it keeps today's behaviour
/// (replicas compete, each message reaches one of them). In memory and on Redis Streams.
/// </summary>
public sealed class BroadcastPubSubTests
{
    private const string Subscriber = "gateway";
    private const string Publisher = "publisher";
    private static string RedisHost => Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } value ? value : "127.0.0.1:6379";

    public static TheoryData<string> Types => new() { "pubsub.in-memory", "pubsub.redis" };

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Every_replica_gets_every_message_on_a_uuid_consumer_and_one_replica_each_without(string type)
    {
        var id = Guid.NewGuid().ToString("n")[..8];
        var (broadcastTopic, sharedTopic) = ($"fanout-{id}", $"work-{id}");
        var replicas = new[] { new Recorder(), new Recorder() };
        var options = new HarnessOptions();
        var gateway = new HarnessApp(Subscriber);
        foreach (var recorder in replicas)
        {
            gateway.Instances.Add(await TestApp.StartAsync(app =>
            {
                app.MapGet("/dapr/subscribe", () => Results.Text(
                    $$"""[{"pubsubname":"broadcast","topic":"{{broadcastTopic}}","route":"/fanout"},{"pubsubname":"shared","topic":"{{sharedTopic}}","route":"/work"}]""",
                    "application/json"));
                app.MapPost("/fanout", recorder.Handler());
                app.MapPost("/work", recorder.Handler());
            }));
        }

        options.Apps.Add(gateway);
        options.Apps.Add(new HarnessApp(Publisher));
        options.Resources["broadcast.yaml"] = Component("broadcast", type, "{uuid}");
        options.Resources["shared.yaml"] = Component("shared", type, consumerId: null);
        try
        {
            await using var harness = await RuntimeHarness.StartAsync(options);
            await Poll.SubscribedAsync(harness, Subscriber, broadcastTopic);
            await Poll.SubscribedAsync(harness, Subscriber, sharedTopic);
            using var client = harness.CreateClient(Publisher);

            // A per-instance Redis group starts at the stream's end when it is created: publish until both listen.
            await Poll.UntilAsync(() =>
            {
                _ = client.PublishEventAsync("broadcast", broadcastTopic, new { warmUp = true });
                return replicas.All(r => r.At("/fanout").Count > 0);
            }, "both replicas receive the broadcast topic", TimeSpan.FromSeconds(20));

            for (var n = 0; n < 10; n++)
            {
                await client.PublishEventAsync("broadcast", broadcastTopic, new { n });
                await client.PublishEventAsync("shared", sharedTopic, new { n });
            }

            foreach (var recorder in replicas)
            {
                await Poll.UntilAsync(() => Numbered(recorder.At("/fanout")).Count == 10, "each replica got all ten broadcast messages");
                Numbered(recorder.At("/fanout")).Should().BeEquivalentTo(Enumerable.Range(0, 10));
            }

            await Poll.UntilAsync(() => replicas.Sum(r => r.At("/work").Count) >= 10, "the ten shared messages were delivered");
            await Task.Delay(500);
            replicas.SelectMany(r => Numbered(r.At("/work"))).Should().BeEquivalentTo(Enumerable.Range(0, 10), "replicas compete for each message");

            if (type == "pubsub.redis")
            {
                var groups = await RedisDb().StreamGroupInfoAsync(broadcastTopic);
                groups.Select(g => g.Name).Should().HaveCount(2).And.OnlyContain(g => IsGuid(g), "{uuid} is expanded once per instance");
            }
        }
        finally
        {
            if (type == "pubsub.redis")
            {
                await RedisDb().KeyDeleteAsync([broadcastTopic, sharedTopic]);
            }
        }
    }

    [Fact]
    public async Task A_replica_that_is_gone_loses_its_consumer_group_and_the_other_keeps_receiving()
    {
        var topic = $"fanout-{Guid.NewGuid():n}";
        var replicas = new[] { new Recorder(), new Recorder() };
        var options = new HarnessOptions();
        var gateway = new HarnessApp(Subscriber);
        foreach (var recorder in replicas)
        {
            gateway.Instances.Add(await TestApp.StartAsync(app =>
            {
                app.MapGet("/dapr/subscribe", () => Results.Text($$"""[{"pubsubname":"broadcast","topic":"{{topic}}","route":"/fanout"}]""", "application/json"));
                app.MapPost("/fanout", recorder.Handler());
            }));
        }

        options.Apps.Add(gateway);
        options.Apps.Add(new HarnessApp(Publisher));
        options.Resources["broadcast.yaml"] = Component("broadcast", "pubsub.redis", "{uuid}");
        try
        {
            await using var harness = await RuntimeHarness.StartAsync(options);
            using var client = harness.CreateClient(Publisher);
            await Poll.UntilAsync(() =>
            {
                _ = client.PublishEventAsync("broadcast", topic, new { warmUp = true });
                return replicas.All(r => r.At("/fanout").Count > 0);
            }, "both replicas receive the broadcast topic", TimeSpan.FromSeconds(20));

            var gone = gateway.Instances[1];
            harness.Instances.SetHealthy(gone.InstanceFor(Subscriber), false);
            harness.Instances.Unregister(gone.InstanceFor(Subscriber));

            await Poll.UntilAsync(() => RedisDb().StreamGroupInfo(topic).Length == 1, "the gone instance's group is destroyed");
            await client.PublishEventAsync("broadcast", topic, new { n = 1 });
            await Poll.UntilAsync(() => Numbered(replicas[0].At("/fanout")).Contains(1), "the remaining replica still gets the messages");
        }
        finally
        {
            await RedisDb().KeyDeleteAsync(topic);
        }
    }

    private static bool IsGuid(string? text) => Guid.TryParse(text, out var parsed) && parsed != Guid.Empty;

    private static IDatabase RedisDb() => Redis.Value.GetDatabase();

    private static readonly Lazy<ConnectionMultiplexer> Redis = new(() => ConnectionMultiplexer.Connect(RedisHost));

    /// <summary>The <c>n</c> of the numbered (non warm-up) messages in the deliveries.</summary>
    private static List<int> Numbered(IReadOnlyList<Received> deliveries) =>
        deliveries.Select(d => d.Json["data"]?["n"]).Where(n => n is not null).Select(n => n!.GetValue<int>()).ToList();

    private static string Component(string name, string type, string? consumerId)
    {
        var metadata = new StringBuilder();
        if (type == "pubsub.redis")
        {
            metadata.Append($"    - name: redisHost\n      value: \"{RedisHost}\"\n");
        }

        if (consumerId is not null)
        {
            metadata.Append($"    - name: consumerID\n      value: \"{consumerId}\"\n");
        }

        return $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: {type}\n  version: v1\n  metadata:\n{(metadata.Length == 0 ? "    []\n" : metadata.ToString())}";
    }
}

/// <summary>The repository's broadcast components (local and Redis profiles) load as they are, without a warning.</summary>
public sealed class RepositoryBroadcastComponentTests
{
    [Theory]
    [InlineData("local", "pubsub.in-memory")]
    [InlineData("redis", "pubsub.redis")]
    public async Task Broadcast_component_loads_without_warnings_and_names_a_consumer_per_instance(string profile, string type)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Launcher.LauncherProcess.RepoRoot, "components", profile, "broadcast.yaml"));
        var redis = Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } value ? value : "127.0.0.1:6379";
        var logs = new CapturedLogs();
        var options = new HarnessOptions
        {
            Runtime = new LocalDapr.Hosting.LocalDaprRuntimeOptions { ConfigureLogging = logging => logging.AddProvider(logs) },
        };
        options.Apps.Add(new HarnessApp("gateway-ai"));
        options.Resources["broadcast.yaml"] = yaml.Replace("127.0.0.1:6379", redis, StringComparison.Ordinal);

        await using (var harness = await RuntimeHarness.StartAsync(options))
        {
            var component = harness.Runtime.Services.GetRequiredService<LocalDapr.PubSub.IPubSubComponentRegistry>().Get("gateway-ai", "broadcast");
            component.Type.Should().Be(type);
            LocalDapr.PubSub.ConsumerTemplate.IsPerInstance(component.ConsumerIdTemplate).Should().BeTrue();
        }

        logs.Entries.Should().BeEmpty();
    }
}
