using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.GatewayAi;
using DeepSeek.Dapr.GatewayAi.Downstream;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Services.Tests.Support;
using StackExchange.Redis;

namespace Services.Tests.GatewayAi;

/// <summary>
/// gateway-ai's usage publishing against a real broker that goes away: the sidecar of the local runtime with the
/// Redis Streams pub/sub on a private redis-server, which the test stops and starts again on the same port. Usage
/// refused while Redis is down must reach the stream once it is back, each event once and in order.
/// </summary>
public sealed class UsageOutboxTests : IAsyncLifetime
{
    private readonly int _redisPort = TestPorts.Next();
    private readonly string _root = Directory.CreateTempSubdirectory("deepseek-usage-outbox-").FullName;
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private LocalDaprRuntime? _runtime;
    private DaprClient? _dapr;
    private UsageOutbox? _outbox;

    public async Task InitializeAsync()
    {
        await StartRedisAsync();
        await File.WriteAllTextAsync(Path.Combine(_root, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.PubSub}
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "127.0.0.1:{_redisPort}"
            """);
        var sidecar = new SidecarDefinition(AppIds.GatewayAi, TestPorts.Next(), TestPorts.Next(), [_root]);
        _runtime = await LocalDaprRuntime.StartAsync([sidecar]);
        _dapr = new DaprClientBuilder()
            .UseHttpEndpoint($"http://127.0.0.1:{sidecar.HttpPort}")
            .UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}")
            .Build();
        var options = Options.Create(new UsageOutboxOptions { FirstRetrySeconds = 0.2, MaxRetrySeconds = 0.5 });
        _outbox = new UsageOutbox(Sender, options, new GatewayMetrics(_metrics.GetRequiredService<IMeterFactory>()), TimeProvider.System, NullLogger<UsageOutbox>.Instance);
        await _outbox.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_outbox is not null)
        {
            await _outbox.StopAsync(CancellationToken.None);
            _outbox.Dispose();
        }

        _dapr?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await RedisCliAsync("shutdown", "nosave");
        await _metrics.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private DaprUsageEventSender Sender => new(_dapr!, NullLogger<DaprUsageEventSender>.Instance);

    [Fact]
    public async Task Usage_refused_while_the_broker_is_down_reaches_it_once_it_is_back_each_event_once_in_order()
    {
        var publisher = new DaprUsagePublisher(Sender, _outbox!);
        await publisher.PublishAsync(Usage("before"), CancellationToken.None);
        (await StreamEventIdsAsync()).Should().Equal("before");

        await RedisCliAsync("shutdown", "nosave");
        string[] duringOutage = ["down-1", "down-2", "down-3"];
        foreach (var id in duringOutage)
        {
            await publisher.PublishAsync(Usage(id), CancellationToken.None);
        }

        _outbox!.Pending.Should().Be(3, "the sidecar refused every event while Redis was down, and none may be dropped");

        await StartRedisAsync();
        var clock = Stopwatch.StartNew();
        while (_outbox.Pending > 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        _outbox.Pending.Should().Be(0, "the outbox publishes again until the broker takes the events");
        (await StreamEventIdsAsync()).Should().Equal(duringOutage, "the restarted Redis (no persistence) holds exactly the events kept during the outage, once each, in order");

        await publisher.PublishAsync(Usage("after"), CancellationToken.None);
        (await StreamEventIdsAsync()).Should().Equal([.. duringOutage, "after"]);
    }

    private static UsageRecorded Usage(string eventId) => new(
        EventId: eventId, RequestId: $"req-{eventId}", UserId: "outbox-user", KeyId: "key-1", Model: "deepseek-chat",
        PromptTokens: 3, CompletionTokens: 5, PromptCacheHitTokens: 0, CacheHit: false, Streamed: false, LatencyMs: 1,
        OccurredAt: DateTimeOffset.UtcNow, ReservationId: null);

    /// <summary>The event ids on the topic's stream, in stream order.</summary>
    private async Task<List<string>> StreamEventIdsAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redisPort}");
        var entries = await redis.GetDatabase().StreamRangeAsync(Topics.UsageRecorded);
        return entries
            .Select(e => Encoding.UTF8.GetString((byte[])e.Values.Single().Value!))
            .Select(json => System.Text.Json.Nodes.JsonNode.Parse(json)!["data"]!["event_id"]!.GetValue<string>())
            .ToList();
    }

    private async Task StartRedisAsync()
    {
        using var process = Process.Start("redis-server", ["--port", _redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes"])!;
        await process.WaitForExitAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await RedisCliAsync("ping") != "PONG")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {_redisPort} did not answer PING");
            }

            await Task.Delay(50);
        }
    }

    private async Task<string> RedisCliAsync(params string[] command)
    {
        var info = new ProcessStartInfo("redis-cli", ["-p", _redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
