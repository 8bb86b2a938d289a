using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LocalDapr.Hosting;
using LocalDapr.Launcher;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Invocation;

/// <summary>
/// The runtime's connections to one app instance are bounded (finding 5 of docs/resilience.md: a slow app made the
/// launcher open sockets until it ran out of file descriptors). Requests beyond the bound wait for a connection,
/// and one that cannot get it within its timeout fails with daprd's error shape.
/// </summary>
public sealed class ConnectionBoundTests
{
    [Fact]
    public async Task A_slow_app_never_gets_more_connections_than_the_bound_and_every_request_is_served()
    {
        var connections = new ConcurrentDictionary<string, bool>();
        var inFlight = 0;
        var maxInFlight = 0;
        var boundReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = await TestApp.StartAsync(web => web.MapGet("/slow", async (HttpContext context) =>
        {
            connections.TryAdd(context.Connection.Id, true);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now >= 2)
            {
                boundReached.TrySetResult();
            }

            await gate.Task;
            Interlocked.Decrement(ref inFlight);
            return "ok";
        }));
        var options = new HarnessOptions { Runtime = new LocalDaprRuntimeOptions { MaxConnectionsPerApp = 2 } };
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { app } });
        await using var harness = await RuntimeHarness.StartAsync(options);
        var http = harness.CreateSidecarHttpClient("caller");

        var calls = Enumerable.Range(0, 10).Select(_ => http.GetAsync("/v1.0/invoke/target/method/slow")).ToArray();
        await boundReached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Give the other eight time to arrive: without a bound each would open its own connection to the app now.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        gate.SetResult();
        var replies = await Task.WhenAll(calls);

        replies.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        maxInFlight.Should().Be(2);
        connections.Count.Should().BeLessThanOrEqualTo(2);
        foreach (var reply in replies)
        {
            reply.Dispose();
        }
    }

    [Fact]
    public async Task A_request_that_gets_no_connection_within_its_timeout_fails_with_the_daprd_error_shape()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = await TestApp.StartAsync(web =>
        {
            web.MapGet("/hold", async () =>
            {
                holding.TrySetResult();
                await gate.Task;
                return "held";
            });
            web.MapGet("/quick", () => "quick");
        });
        var options = new HarnessOptions { Runtime = new LocalDaprRuntimeOptions { MaxConnectionsPerApp = 1 } };
        options.Apps.Add(new HarnessApp("holder"));
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { app } });
        // Only the caller's sidecar has the timeout: the holder keeps the one connection for as long as the app takes.
        options.Resources["resiliency.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  short: 1s
              targets:
                apps:
                  target: { timeout: short }
            scopes:
              - caller
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);
        var http = harness.CreateSidecarHttpClient("caller");

        var held = harness.CreateSidecarHttpClient("holder").GetAsync("/v1.0/invoke/target/method/hold");
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The app would answer at once, but the one connection is taken by the held call.
        using var starved = await http.GetAsync("/v1.0/invoke/target/method/quick");
        gate.SetResult();
        using var heldReply = await held;
        using var after = await http.GetAsync("/v1.0/invoke/target/method/quick");

        starved.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var error = await starved.Content.ReadFromJsonAsync<JsonElement>();
        error.GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
        error.GetProperty("message").GetString().Should().Contain("deadline");
        heldReply.StatusCode.Should().Be(HttpStatusCode.OK);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        (await after.Content.ReadAsStringAsync()).Should().Be("quick");
    }

    [Fact]
    public void The_launcher_raises_its_soft_open_file_limit_to_the_hard_limit()
    {
        var result = OpenFileLimit.RaiseToHardLimit();

        if (!OperatingSystem.IsLinux())
        {
            result.Should().BeNull();
            return;
        }

        var limits = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var columns = limits["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        result.Should().NotBeNull();
        result!.Value.After.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(columns[0]);
        columns[0].Should().Be(columns[1], "the soft limit now equals the hard limit");
    }

    private static void InterlockedMax(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value > current && Interlocked.CompareExchange(ref location, value, current) != current)
        {
            current = Volatile.Read(ref location);
        }
    }
}
