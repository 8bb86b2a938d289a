using System.Net;
using System.Text;
using FaultBench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Tests.Resilience;

/// <summary>
/// How the fault suite reads a reply, against a real Kestrel on loopback answering the way the platform does (or
/// should not): the suite's verdicts are what the CI invariants stand on, so each kind of reply is pinned here.
/// </summary>
public sealed class FaultSuiteClassificationTests : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/served", () => Results.Text("""{"choices":[{"message":{"content":"hi"}}]}""", "application/json"));
        _app.MapPost("/auth-cache", (HttpContext c) =>
        {
            c.Response.Headers["X-Fallback"] = "auth-cache";
            return Results.Text("""{"choices":[]}""", "application/json");
        });
        _app.MapPost("/degraded", (HttpContext c) =>
        {
            c.Response.Headers["X-Fallback"] = "degraded";
            c.Response.Headers.RetryAfter = "5";
            return Results.Text("""{"error":{"message":"down","type":"service_unavailable"}}""", "application/json", statusCode: 503);
        });
        _app.MapPost("/unmarked-503", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "5";
            return Results.Text("""{"error":{"message":"gateway-ai cannot be reached"}}""", "application/json", statusCode: 503);
        });
        _app.MapPost("/shed", (HttpContext c) =>
        {
            c.Response.Headers["X-Shed"] = "router";
            c.Response.Headers.RetryAfter = "1";
            return Results.Text("""{"error":{"message":"at capacity","type":"service_unavailable","code":"overloaded"}}""", "application/json", statusCode: 503);
        });
        _app.MapPost("/shed-unmarked", (HttpContext c) =>
        {
            c.Response.Headers["X-Shed"] = "router";
            return Results.Text("at capacity", "text/plain", statusCode: 503);
        });
        _app.MapPost("/500", () => Results.Text("""{"error":{"message":"boom"}}""", "application/json", statusCode: 500));
        _app.MapPost("/stream-ok", (HttpContext c) => Sse(c, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"));
        _app.MapPost("/stream-error", (HttpContext c) => Sse(c, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"stopped\"}}\n\ndata: [DONE]\n\n"));
        _app.MapPost("/stream-cut", (HttpContext c) => Sse(c, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"));
        _app.MapPost("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Ok();
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http.BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/served", false, "Served", 200, true)]
    [InlineData("/auth-cache", false, "FallbackServed", 200, true)]
    [InlineData("/degraded", false, "Degraded", 503, false)]
    [InlineData("/unmarked-503", false, "Failed", 503, false)]
    [InlineData("/shed", false, "Shed", 503, false)]
    [InlineData("/shed-unmarked", false, "Failed", 503, false)]
    [InlineData("/500", false, "Failed", 500, false)]
    [InlineData("/stream-ok", true, "Served", 200, true)]
    [InlineData("/stream-error", true, "Interrupted", 200, true)]
    [InlineData("/stream-cut", true, "Failed", 200, false)]
    public async Task Each_reply_gets_the_verdict_the_targets_count_on(string path, bool streamed, string outcome, int status, bool owesUsage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        var verdict = await ReplyReader.SendAsync(_http, request, streamed, TimeSpan.FromSeconds(10));

        verdict.Outcome.Should().Be(Enum.Parse<Outcome>(outcome));
        verdict.Status.Should().Be(status);
        verdict.OwesUsage.Should().Be(owesUsage);
        verdict.BadDegraded.Should().Be(path is "/unmarked-503" or "/shed-unmarked");
        verdict.UsageUncertain.Should().Be(path == "/stream-cut");
    }

    [Fact]
    public async Task A_reply_not_complete_within_the_client_timeout_fails_with_no_status()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slow") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        var verdict = await ReplyReader.SendAsync(_http, request, streamed: false, TimeSpan.FromMilliseconds(300));

        verdict.Outcome.Should().Be(Outcome.Failed);
        verdict.Status.Should().Be(0);
        verdict.Error.Should().Contain("no complete reply within");
    }

    [Fact]
    public void Recovery_counts_from_the_restart_to_the_first_request_after_the_last_unclean_one()
    {
        var timing = new PhaseTiming(Start: 0, StopIssued: 2, Stopped: 2.5, StartIssued: 10, Healthy: 11, End: 20, Instance: null);
        RequestRecord At(double second, Outcome outcome) => new() { SentAt = second, Outcome = outcome, Done = true };

        PhaseAnalysis.RecoverySeconds([At(1, Outcome.Served), At(3, Outcome.Degraded), At(11, Outcome.FallbackServed), At(12.5, Outcome.Served), At(15, Outcome.Served)], timing)
            .Should().Be(2.5, "the last fallback was sent at 11 s, the next request at 12.5 s, the restart at 10 s");
        PhaseAnalysis.RecoverySeconds([At(3, Outcome.Degraded), At(9, Outcome.Degraded), At(12, Outcome.Served)], timing)
            .Should().Be(0, "nothing went wrong after the restart was issued");
        PhaseAnalysis.RecoverySeconds([At(3, Outcome.Served), At(19, Outcome.Failed)], timing)
            .Should().BeNull("the phase ended before a clean request followed the last failure");
    }

    [Fact]
    public void Peak_in_flight_counts_requests_open_at_the_same_moment()
    {
        RequestRecord Open(double second, double ms) => new() { SentAt = second, LatencyMs = ms, Outcome = Outcome.Served, Done = true };

        PhaseAnalysis.PeakInFlight([Open(0, 1000), Open(0.2, 500), Open(0.5, 2000), Open(1.0, 100), Open(3, 10)])
            .Should().Be(3, "at 0.5 s the first three are open; the fourth starts as the first ends");
        PhaseAnalysis.PeakInFlight([]).Should().Be(0);
    }

    [Fact]
    public void Shed_requests_count_as_not_served_and_break_the_only_degraded_target()
    {
        var timing = new PhaseTiming(Start: 0, StopIssued: 2, Stopped: 2.5, StartIssued: 10, Healthy: 11, End: 20, Instance: null);
        var records = Enumerable.Range(0, 999).Select(i => new RequestRecord { SentAt = i * 0.02, LatencyMs = 5, Outcome = Outcome.Served, OwesUsage = true, Done = true })
            .Append(new RequestRecord { SentAt = 19.99, LatencyMs = 1, Status = 503, Outcome = Outcome.Shed, Done = true })
            .Append(new RequestRecord { SentAt = 19.995, LatencyMs = 1, Status = 503, Outcome = Outcome.Shed, Done = true })
            .ToList();
        var usage = new UsageRow(Owed: 999, Uncertain: 0, Charged: 999, Counted: 999);

        var users = PhaseAnalysis.Analyse(new FaultSpec("users", false), records, timing, usage, TimeSpan.FromSeconds(300));
        users.Shed.Should().Be(2);
        users.Failed.Should().Be(0);
        users.UnservedPercent.Should().BeApproximately(0.2, 0.001);
        users.Targets.Should().Contain(t => t.Name.Contains("failed") && !t.Met, "2 of 1001 not served is above 0.1 %");

        var inference = PhaseAnalysis.Analyse(new FaultSpec("inference", false), records, timing, usage, TimeSpan.FromSeconds(300));
        inference.Targets.Single(t => t.Name == "only degraded 503s or failover").Met.Should().BeFalse();
    }

    [Theory]
    [InlineData("300s", 300_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("100ms", 100)]
    [InlineData("1h", 3_600_000)]
    public void Go_durations_of_resiliency_policies_are_read(string text, double milliseconds) =>
        ResiliencyTimeouts.ParseDuration(text).Should().Be(TimeSpan.FromMilliseconds(milliseconds));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    public void Other_text_is_no_duration(string text) => ResiliencyTimeouts.ParseDuration(text).Should().BeNull();

    [Fact]
    public void The_timeout_comes_from_the_resource_scoped_to_the_caller()
    {
        var root = Directory.CreateTempSubdirectory("fault-suite-yaml-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "dapr-config"));
            File.WriteAllText(Path.Combine(root.FullName, "dapr-config", "resiliency.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: edge
                scopes: [router]
                spec:
                  policies:
                    timeouts:
                      generation: 10s
                  targets:
                    apps:
                      inference:
                        timeout: generation
                ---
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: gateway
                scopes:
                  - gateway-ai
                spec:
                  policies:
                    timeouts:
                      generation: 2m
                  targets:
                    apps:
                      inference:
                        timeout: generation
                      chat:
                        timeout: 7s
                """);

            ResiliencyTimeouts.ForApp(root.FullName, "gateway-ai", "inference").Should().Be(TimeSpan.FromMinutes(2));
            ResiliencyTimeouts.ForApp(root.FullName, "gateway-ai", "chat").Should().Be(TimeSpan.FromSeconds(7), "a target may name a duration directly");
            ResiliencyTimeouts.ForApp(root.FullName, "router", "inference").Should().Be(TimeSpan.FromSeconds(10));
            ResiliencyTimeouts.ForApp(root.FullName, "users", "inference").Should().BeNull("no resource applies to that caller");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task Sse(HttpContext context, string body)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(body);
    }
}
