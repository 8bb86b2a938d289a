using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Invocation;

// The SDK marks its invoke helpers obsolete, but they are exactly what services built on it call.
#pragma warning disable CS0618

public sealed class ServiceInvocationTests
{
    private static async Task<RuntimeHarness> StartAsync(TestApp target, string? callerToken = null, string? targetAppToken = null)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller") { ApiToken = callerToken });
        options.Apps.Add(new HarnessApp("target") { AppApiToken = targetAppToken, Instances = { target } });
        return await RuntimeHarness.StartAsync(options);
    }

    [Theory]
    [InlineData("GET", false)]
    [InlineData("DELETE", false)]
    [InlineData("POST", true)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    [InlineData("OPTIONS", false)]
    [InlineData("HEAD", false)]
    public async Task Every_verb_passes_method_path_query_headers_and_body(string verb, bool withBody)
    {
        await using var harness = await StartAsync(await EchoApp.StartAsync());
        var http = harness.CreateInvokeHttpClient("caller");
        using var request = new HttpRequestMessage(new HttpMethod(verb), "http://target/echo/a%20b/c?x=1&y=two");
        request.Headers.Add("x-test", "hello");
        if (withBody)
        {
            request.Content = new StringContent("{\"n\":42}", Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "x-echo-method").Should().Be(verb);
        Header(response, "x-echo-path").Should().Be("/echo/a b/c");
        Header(response, "x-echo-query").Should().Be("?x=1&y=two");
        Header(response, "x-echo-header").Should().Be("hello");
        Header(response, "x-echo-caller").Should().Be("caller");
        if (withBody)
        {
            Header(response, "x-echo-content-type").Should().StartWith("application/json");
            (await response.Content.ReadAsStringAsync()).Should().Be("{\"n\":42}");
        }
    }

    [Fact]
    public async Task Sdk_InvokeMethodAsync_round_trips_json()
    {
        await using var target = await TestApp.StartAsync(app => app.MapPost("/orders", (Order o) => Results.Json(o with { Quantity = o.Quantity * 2 })));
        await using var harness = await StartAsync(target);
        using var client = harness.CreateClient("caller");

        var reply = await client.InvokeMethodAsync<Order, Order>("target", "orders", new Order("pen", 21));

        reply.Should().Be(new Order("pen", 42));
    }

    [Fact]
    public async Task Status_headers_and_body_from_the_app_come_back_unchanged()
    {
        await using var target = await TestApp.StartAsync(app =>
        {
            app.MapGet("/created", (HttpContext c) =>
            {
                c.Response.Headers["x-reply"] = "yes";
                return Results.Text("made", statusCode: 201);
            });
            app.MapGet("/missing", () => Results.Text("no such thing", statusCode: 404));
            app.MapGet("/broken", () => Results.Text("{\"error\":\"boom\"}", "application/json", statusCode: 500));
        });
        await using var harness = await StartAsync(target);
        var http = harness.CreateInvokeHttpClient("caller");

        using var created = await http.GetAsync("http://target/created");
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        Header(created, "x-reply").Should().Be("yes");
        (await created.Content.ReadAsStringAsync()).Should().Be("made");

        using var missing = await http.GetAsync("http://target/missing");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync()).Should().Be("no such thing");

        using var client = harness.CreateClient("caller");
        var broken = await client.InvokeMethodWithResponseAsync(client.CreateInvokeMethodRequest(HttpMethod.Get, "target", "broken"));
        broken.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await broken.Content.ReadAsStringAsync()).Should().Be("{\"error\":\"boom\"}");
    }

    [Fact]
    public async Task Server_sent_events_reach_the_caller_before_the_app_finishes()
    {
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var target = await TestApp.StartAsync(app => app.MapGet("/stream", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: first\n\n");
            await c.Response.Body.FlushAsync();
            await releaseSecond.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await c.Response.WriteAsync("data: second\n\n");
        }));
        await using var harness = await StartAsync(target);
        var http = harness.CreateInvokeHttpClient("caller");

        using var response = await http.GetAsync("http://target/stream", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The app is still blocked before its second event, so this line can only arrive if nothing buffers.
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("data: first");
        releaseSecond.SetResult();
        (await reader.ReadToEndAsync()).Should().Contain("data: second");
    }

    [Fact]
    public async Task Large_bodies_stream_through_both_ways()
    {
        await using var harness = await StartAsync(await EchoApp.StartAsync());
        var http = harness.CreateInvokeHttpClient("caller");
        var payload = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        using var response = await http.PostAsync("http://target/raw", new ByteArrayContent(payload));

        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(payload);
    }

    [Fact]
    public async Task A_target_that_is_down_gives_ERR_DIRECT_INVOKE_naming_the_app()
    {
        var target = await EchoApp.StartAsync();
        await using var harness = await StartAsync(target);
        await target.StopAsync();
        var http = harness.CreateSidecarHttpClient("caller");

        using var down = await http.GetAsync("/v1.0/invoke/target/method/echo/x");
        await AssertDaprError(down, "ERR_DIRECT_INVOKE", "target");

        using var unknown = await http.GetAsync("/v1.0/invoke/nobody/method/anything");
        await AssertDaprError(unknown, "ERR_DIRECT_INVOKE", "nobody");
    }

    [Fact]
    public async Task Replicas_share_the_calls_round_robin()
    {
        await using var first = await TestApp.StartAsync(app => app.MapGet("/who", () => "first"));
        await using var second = await TestApp.StartAsync(app => app.MapGet("/who", () => "second"));
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { first, second } });
        await using var harness = await RuntimeHarness.StartAsync(options);
        var http = harness.CreateInvokeHttpClient("caller");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await http.GetStringAsync("http://target/who"));
        }

        answers.Should().Contain("first").And.Contain("second");
    }

    [Fact]
    public async Task Api_token_is_required_except_for_health_and_the_app_token_reaches_the_app()
    {
        await using var harness = await StartAsync(await EchoApp.StartAsync(), callerToken: "caller-secret", targetAppToken: "app-secret");
        var raw = harness.CreateSidecarHttpClient("caller");

        using var rejected = await raw.GetAsync("/v1.0/invoke/target/method/echo/x");
        rejected.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString().Should().StartWith("ERR_");

        (await raw.GetAsync("/v1.0/healthz")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await raw.GetAsync("/v1.0/healthz/outbound")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var withoutToken = harness.CreateClient("caller", apiToken: "wrong");
        var grpcCall = () => withoutToken.GetStateAsync<string>("statestore", "k");
        (await grpcCall.Should().ThrowAsync<DaprException>()).Which.InnerException.Should()
            .BeOfType<global::Grpc.Core.RpcException>().Which.StatusCode.Should().Be(global::Grpc.Core.StatusCode.Unauthenticated);

        var http = harness.CreateInvokeHttpClient("caller");
        using var accepted = await http.GetAsync("http://target/echo/x");
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(accepted, "x-echo-token").Should().Be("app-secret", "the sidecar swaps the caller's token for APP_API_TOKEN");
    }

    [Fact]
    public async Task Traceparent_keeps_the_callers_trace_id()
    {
        await using var harness = await StartAsync(await EchoApp.StartAsync());
        var http = harness.CreateInvokeHttpClient("caller");
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://target/echo/t");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await http.SendAsync(request);

        var forwarded = Header(response, "x-echo-traceparent");
        forwarded.Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$");
        forwarded.Split('-')[1].Should().Be(traceId);

        using var untraced = await http.GetAsync("http://target/echo/t");
        Header(untraced, "x-echo-traceparent").Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", "the sidecar starts a trace when the caller has none");
    }

    [Fact]
    public async Task Dapr_app_id_header_invokes_the_app_on_the_same_path()
    {
        await using var harness = await StartAsync(await EchoApp.StartAsync());
        var http = harness.CreateSidecarHttpClient("caller");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo/by-header?q=1") { Content = new StringContent("hi") };
        request.Headers.Add("dapr-app-id", "target");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "x-echo-path").Should().Be("/echo/by-header");
        Header(response, "x-echo-query").Should().Be("?q=1");
        (await response.Content.ReadAsStringAsync()).Should().Be("hi");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bodies_over_the_sidecar_limit_get_413_whether_streamed_or_buffered_for_retries(bool withRetries)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller") { MaxBodySizeBytes = 64 * 1024 });
        options.Apps.Add(new HarnessApp("target") { Instances = { await EchoApp.StartAsync() } });
        if (withRetries)
        {
            options.Resources["resiliency.yaml"] = """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: r
                spec:
                  policies:
                    retries:
                      r: { duration: 10ms, maxRetries: 1 }
                  targets:
                    apps:
                      target: { retry: r }
                """;
        }

        await using var harness = await RuntimeHarness.StartAsync(options);
        var http = harness.CreateSidecarHttpClient("caller");

        using var small = await http.PostAsync("/v1.0/invoke/target/method/raw", new ByteArrayContent(new byte[1024]));
        small.StatusCode.Should().Be(HttpStatusCode.OK);
        using var large = await http.PostAsync("/v1.0/invoke/target/method/raw", new ByteArrayContent(new byte[256 * 1024]));
        large.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await large.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString().Should().Be("ERR_BODY_TOO_LARGE");
    }

    internal static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;

    internal static async Task AssertDaprError(HttpResponseMessage response, string errorCode, string messagePart)
    {
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("errorCode").GetString().Should().Be(errorCode);
        body.GetProperty("message").GetString().Should().Contain(messagePart);
    }

    public sealed record Order(string Item, int Quantity);
}
