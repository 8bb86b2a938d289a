using System.Net;
using LocalDapr.Resources;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Resiliency;

/// <summary>Resiliency policies applied to service invocation, observed from the app's side (attempt counts).</summary>
public sealed class InvocationResiliencyTests
{
    private static string Resiliency(string policies, string target) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: invoke-resiliency
        spec:
          policies:
        {policies}
          targets:
            apps:
              target: {target}
        """;

    private static async Task<RuntimeHarness> StartAsync(TestApp target, string resiliency)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { target } });
        options.Resources["resiliency.yaml"] = resiliency;
        return await RuntimeHarness.StartAsync(options);
    }

    [Fact]
    public async Task Retries_until_the_app_succeeds_replaying_the_body()
    {
        var attempts = 0;
        var bodies = new List<string>();
        await using var target = await TestApp.StartAsync(app => app.MapPost("/flaky", async (HttpContext c) =>
        {
            bodies.Add(await new StreamReader(c.Request.Body).ReadToEndAsync());
            return Interlocked.Increment(ref attempts) <= 2 ? Results.StatusCode(503) : Results.Text("ok");
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                retries:
                  quick: { policy: constant, duration: 10ms, maxRetries: 5 }
            """, "{ retry: quick }"));

        using var response = await harness.CreateInvokeHttpClient("caller").PostAsync("http://target/flaky", new StringContent("payload"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("ok");
        attempts.Should().Be(3);
        bodies.Should().Equal("payload", "payload", "payload");
    }

    [Fact]
    public async Task Exhausted_retries_pass_the_last_app_reply_through()
    {
        var attempts = 0;
        await using var target = await TestApp.StartAsync(app => app.MapGet("/down", () =>
        {
            Interlocked.Increment(ref attempts);
            return Results.Text("still down", statusCode: 503);
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                retries:
                  two: { policy: exponential, maxInterval: 20ms, maxRetries: 2 }
            """, "{ retry: two }"));

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://target/down");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Be("still down");
        attempts.Should().Be(3);
    }

    [Fact]
    public async Task Matching_limits_retries_to_the_listed_codes()
    {
        var attempts = new Dictionary<string, int>();
        await using var target = await TestApp.StartAsync(app => app.MapGet("/fail/{code:int}", (int code) =>
        {
            lock (attempts)
            {
                attempts[code.ToString()] = attempts.GetValueOrDefault(code.ToString()) + 1;
            }

            return Results.StatusCode(code);
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                retries:
                  matched: { duration: 10ms, maxRetries: 2, matching: { httpStatusCodes: "429,502-504" } }
            """, "{ retry: matched }"));
        var http = harness.CreateInvokeHttpClient("caller");

        (await http.GetAsync("http://target/fail/500")).StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await http.GetAsync("http://target/fail/503")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync("http://target/fail/429")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);

        attempts.Should().Equal(new Dictionary<string, int> { ["500"] = 1, ["503"] = 3, ["429"] = 3 });
    }

    [Fact]
    public async Task The_timeout_applies_to_each_attempt()
    {
        var attempts = 0;
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var target = await TestApp.StartAsync(app => app.MapGet("/slow-once", async (HttpContext c) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                // The first attempt never answers by itself: only the per-attempt timeout can end it.
                await hang.Task.WaitAsync(c.RequestAborted);
            }

            return Results.Text("fast");
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                timeouts:
                  short: 500ms
                retries:
                  again: { duration: 10ms, maxRetries: 3 }
            """, "{ timeout: short, retry: again }"));

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://target/slow-once");

        // A timeout over all attempts would fail the call; on a loaded machine a later attempt may time out too.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("fast");
        attempts.Should().BeInRange(2, 4);
    }

    [Fact]
    public async Task A_timeout_without_retries_gives_ERR_DIRECT_INVOKE()
    {
        await using var target = await TestApp.StartAsync(app => app.MapGet("/hang", async (HttpContext c) =>
        {
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                timeouts:
                  short: 200ms
            """, "{ timeout: short }"));

        using var response = await harness.CreateSidecarHttpClient("caller").GetAsync("/v1.0/invoke/target/method/hang");

        await ServiceInvocationTests.AssertDaprError(response, "ERR_DIRECT_INVOKE", "target");
    }

    [Fact]
    public async Task Breaker_opens_after_failures_then_half_opens_and_closes_on_success()
    {
        var calls = 0;
        var healthy = false;
        await using var target = await TestApp.StartAsync(app => app.MapGet("/svc", () =>
        {
            Interlocked.Increment(ref calls);
            return Volatile.Read(ref healthy) ? Results.Text("ok") : Results.StatusCode(500);
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                circuitBreakers:
                  cb: { maxRequests: 1, timeout: 1s, trip: "consecutiveFailures >= 2" }
            """, "{ circuitBreaker: cb }"));
        var http = harness.CreateSidecarHttpClient("caller");

        (await http.GetAsync("/v1.0/invoke/target/method/svc")).StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await http.GetAsync("/v1.0/invoke/target/method/svc")).StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        calls.Should().Be(2);

        using var refused = await http.GetAsync("/v1.0/invoke/target/method/svc");
        await ServiceInvocationTests.AssertDaprError(refused, "ERR_DIRECT_INVOKE", "circuit breaker is open");
        calls.Should().Be(2, "an open breaker answers without calling the app");

        Volatile.Write(ref healthy, true);
        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        (await http.GetAsync("/v1.0/invoke/target/method/svc")).StatusCode.Should().Be(HttpStatusCode.OK, "the half-open probe reaches the app");
        (await http.GetAsync("/v1.0/invoke/target/method/svc")).StatusCode.Should().Be(HttpStatusCode.OK, "a successful probe closes the breaker");
        calls.Should().Be(4);
    }

    [Fact]
    public async Task An_open_breaker_stops_retries()
    {
        var calls = 0;
        await using var target = await TestApp.StartAsync(app => app.MapGet("/svc", () =>
        {
            Interlocked.Increment(ref calls);
            return Results.StatusCode(500);
        }));
        await using var harness = await StartAsync(target, Resiliency("""
                retries:
                  many: { duration: 10ms, maxRetries: 10 }
                circuitBreakers:
                  cb: { timeout: 30s, trip: "consecutiveFailures >= 3" }
            """, "{ retry: many, circuitBreaker: cb }"));

        using var response = await harness.CreateSidecarHttpClient("caller").GetAsync("/v1.0/invoke/target/method/svc");

        await ServiceInvocationTests.AssertDaprError(response, "ERR_DIRECT_INVOKE", "circuit breaker is open");
        calls.Should().Be(3);
    }

    [Fact]
    public async Task Bad_resiliency_yaml_fails_start_up_naming_the_file()
    {
        await using var target = await EchoApp.StartAsync();
        var act = () => StartAsync(target, Resiliency("""
                retries:
                  broken: { duration: soon }
            """, "{ retry: broken }"));

        (await act.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("resiliency.yaml").And.Contain("duration");
    }
}
