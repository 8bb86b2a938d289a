using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace LocalDapr.Tests.Actors;

/// <summary>
/// A quick side-by-side of the two hops every chat request now makes: a weakly typed actor call and a service
/// invocation, both app → its sidecar → the hosting app, measured interleaved on one runtime. The numbers go to
/// the test output (no timing assertion: this machine is shared); the test checks that every call answered.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class ActorCallOverheadTests(ITestOutputHelper output)
{
    private const int Warmup = 100;
    private const int Measured = 500;

    [Fact]
    public async Task Weakly_typed_actor_call_and_service_invocation_side_by_side()
    {
        await using var kit = await ActorTestKit.StartAsync(mapAppEndpoints: app => app.MapPost("/ping", () => Results.Text("1", "application/json")));
        var actor = kit.WeakCallerProxy(Guid.NewGuid().ToString("n"));
        using var invoke = new HttpClient { BaseAddress = new Uri(kit.Harness.HttpEndpoint(ActorTestKit.CallerAppId)) };
        var actorTimes = new List<double>(Measured);
        var invokeTimes = new List<double>(Measured);

        for (var i = 0; i < Warmup + Measured; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var count = await actor.InvokeMethodAsync<int>(nameof(ICounterActor.GetAsync));
            var actorMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            started = Stopwatch.GetTimestamp();
            using var response = await invoke.PostAsync($"/v1.0/invoke/{ActorTestKit.AppId}/method/ping", new StringContent("{}"));
            var body = await response.Content.ReadAsStringAsync();
            var invokeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            count.Should().Be(0);
            response.IsSuccessStatusCode.Should().BeTrue(body);
            if (i >= Warmup)
            {
                actorTimes.Add(actorMs);
                invokeTimes.Add(invokeMs);
            }
        }

        output.WriteLine($"weakly typed actor call: {Summary(actorTimes)}");
        output.WriteLine($"service invocation:      {Summary(invokeTimes)}");
        actorTimes.Should().HaveCount(Measured);
    }

    private static string Summary(List<double> times)
    {
        times.Sort();
        string At(double q) => times[(int)(q * (times.Count - 1))].ToString("0.00", CultureInfo.InvariantCulture);
        return $"p50 {At(0.5)} ms, p90 {At(0.9)} ms, p99 {At(0.99)} ms over {times.Count} calls";
    }
}
