using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests.Resilience;

/// <summary>
/// Fallback 2 and the router's failover on the running platform (issue "Resilience" items 3, 5, 6), faults made with
/// the launcher's admin API (stop/start an app or one instance) or by stopping a fake upstream. The platform is shared
/// with the other end-to-end classes, so whatever a test stops it starts again in a finally block and waits until
/// the platform answers normally before it returns.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class FailoverTests(PlatformFixture platform)
{
    /// <summary>Far below every timeout in resiliency.yaml's generation policy: a degraded reply must not hang.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_upstream_model_whose_server_is_down_is_answered_by_its_fallback_model()
    {
        var upstream = platform.UpstreamWithFallback;
        using (var normal = await platform.PostChatAsync(Question(PlatformFixture.FakeFailoverModel)))
        {
            var body = await ReadJsonAsync(normal, HttpStatusCode.OK);
            body["model"]!.GetValue<string>().Should().Be(PlatformFixture.FakeFailoverModel);
            normal.Headers.Contains("X-Fallback").Should().BeFalse();
        }

        var port = upstream.Port;
        await upstream.DisposeAsync();
        try
        {
            using var complete = await platform.PostChatAsync(Question(PlatformFixture.FakeFailoverModel));
            var body = await ReadJsonAsync(complete, HttpStatusCode.OK);
            body["model"]!.GetValue<string>().Should().Be("deepseek-chat", "the registered fallback answered");
            complete.Headers.GetValues("X-Fallback").Should().Equal("model-failover");
            ShouldBeConsistentUsage(body["usage"]);

            using var streamed = await platform.PostChatAsync(ChatBodies.Streamed(Question(PlatformFixture.FakeFailoverModel), includeUsage: true), HttpCompletionOption.ResponseHeadersRead);
            streamed.StatusCode.Should().Be(HttpStatusCode.OK);
            var events = (await SseEvent.ReadAllAsync(streamed)).Where(e => e.Data is not null).ToList();
            events[^1].IsDone.Should().BeTrue();
            var chunks = events.Where(e => !e.IsDone).Select(e => e.Json).ToList();
            chunks.Should().NotContain(c => c["error"] != null);
            chunks.Should().OnlyContain(c => c["model"]!.GetValue<string>() == "deepseek-chat");
        }
        finally
        {
            await upstream.StartAsync(port);
        }

        (await Eventually.TrueWithinAsync(Recovery, async () =>
        {
            using var back = await platform.PostChatAsync(Question(PlatformFixture.FakeFailoverModel));
            return back.StatusCode == HttpStatusCode.OK && !back.Headers.Contains("X-Fallback");
        })).Should().BeTrue("with its server back the model answers itself again");
    }

    [Fact]
    public async Task Inference_stopped_gives_a_quick_degraded_503_for_complete_and_streamed_requests()
    {
        await StopAsync("inference");
        try
        {
            using var timeout = new CancellationTokenSource(Quick);
            using var complete = await platform.PostChatAsync(Question("deepseek-chat"), cancellationToken: timeout.Token);
            using var streamed = await platform.PostChatAsync(ChatBodies.Streamed(Question("deepseek-chat"), includeUsage: false), cancellationToken: timeout.Token);

            foreach (var reply in new[] { complete, streamed })
            {
                var error = await ReadErrorAsync(reply, HttpStatusCode.ServiceUnavailable);
                error["message"]!.GetValue<string>().Should().Contain("temporarily unavailable");
                reply.Headers.RetryAfter!.Delta.Should().BePositive();
                reply.Headers.GetValues("X-Fallback").Should().Contain("degraded");
            }
        }
        finally
        {
            await StartAsync("inference");
        }

        await ChatAnswersNormallyAsync();
    }

    [Fact]
    public async Task A_stream_cut_by_inference_dying_mid_way_ends_with_an_error_event_and_done()
    {
        var body = ChatBodies.Streamed(ChatBodies.User(PlatformFixture.FakeSlowModel, ChatBodies.FreshQuestion("long answer"), maxTokens: null), includeUsage: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);

        var events = new List<SseEvent>();
        var killed = false;
        try
        {
            await foreach (var e in SseEvent.ReadAsync(await response.Content.ReadAsStreamAsync(timeout.Token), timeout.Token))
            {
                events.Add(e);
                if (!killed && events.Count(x => x.Data is not null) == 3)
                {
                    // Not a graceful stop: the process dies with the stream open, as in a crash.
                    using var inference = System.Diagnostics.Process.GetProcessById(await PidAsync("inference"));
                    inference.Kill();
                    killed = true;
                }
            }
        }
        finally
        {
            // Until the launcher has seen the exit it still counts the old process as running and a start is a no-op.
            (await Eventually.TrueWithinAsync(Recovery, async () => !killed || await StateAsync("inference") == "Exited")).Should().BeTrue();
            await StartAsync("inference");
        }

        var data = events.Where(e => e.Data is not null).ToList();
        killed.Should().BeTrue("the stream was still running after three chunks");
        data[^1].IsDone.Should().BeTrue("the client is told the stream is over, not cut silently");
        data[^2].Json["error"].Should().NotBeNull("the last event before [DONE] says what went wrong");
        data.Count(e => e.IsDone).Should().Be(1);
        await ChatAnswersNormallyAsync();
    }

    [Fact]
    public async Task One_gateway_ai_instance_stopped_fails_no_request()
    {
        var instances = await GatewayAiPortsAsync();
        instances.Should().HaveCount(2, "dapr.yaml runs two gateway-ai instances");
        foreach (var port in instances)
        {
            await StopAsync("gateway-ai", port);
            try
            {
                var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
                {
                    var body = Question("deepseek-chat");
                    using var reply = i % 3 == 0
                        ? await platform.PostChatAsync(ChatBodies.Streamed(body, includeUsage: false))
                        : await platform.PostChatAsync(body);
                    return (reply.StatusCode, Body: await reply.Content.ReadAsStringAsync());
                }));
                replies.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK, $"the other instance serves while {port} is stopped");
            }
            finally
            {
                await StartAsync("gateway-ai", port);
            }
        }
    }

    [Fact]
    public async Task Gateway_platform_stopped_leaves_chat_untouched_and_account_calls_get_a_quick_503()
    {
        await StopAsync("gateway-platform");
        try
        {
            using var timeout = new CancellationTokenSource(Quick);
            using var chat = await platform.PostChatAsync(Question("deepseek-chat"), cancellationToken: timeout.Token);
            using var balance = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, "/user/balance"), timeout.Token);

            chat.StatusCode.Should().Be(HttpStatusCode.OK, "inference traffic does not depend on the account domain");
            await ReadErrorAsync(balance, HttpStatusCode.ServiceUnavailable);
            balance.Headers.RetryAfter!.Delta.Should().BePositive();
        }
        finally
        {
            await StartAsync("gateway-platform");
        }

        (await Eventually.TrueWithinAsync(Recovery, async () =>
        {
            using var back = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, "/user/balance"));
            return back.StatusCode == HttpStatusCode.OK;
        })).Should().BeTrue("account calls are answered again once gateway-platform is back");
    }

    [Fact]
    public async Task Usage_recorded_while_users_and_monitoring_are_stopped_is_charged_exactly_once_after_restart()
    {
        const int Requests = 6;
        var model = PlatformFixture.FakeFailoverModel;
        // Both gateway-ai instances must have seen the user's account answer (what vouches for the local allowance).
        for (var i = 0; i < 4; i++)
        {
            await ChatAnswersNormallyAsync(model);
        }

        await SettledAsync(model);
        var charged = await ChargedRequestsAsync(model);
        var counted = await CountedRequestsAsync(model);

        await StopAsync("users");
        await StopAsync("monitoring");
        var answered = 0;
        try
        {
            for (var i = 0; i < Requests; i++)
            {
                using var reply = await platform.PostChatAsync(Question(model));
                answered += reply.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }
        }
        finally
        {
            await StartAsync("users");
            await StartAsync("monitoring");
        }

        answered.Should().BePositive("a key used before is admitted on the local allowance while users is down");
        (await Eventually.TrueWithinAsync(Recovery, async () => await ChargedRequestsAsync(model) >= charged + answered))
            .Should().BeTrue("the usage events waited in pub/sub and were charged when users came back");
        (await Eventually.TrueWithinAsync(Recovery, async () => await CountedRequestsAsync(model) >= counted + answered))
            .Should().BeTrue("monitoring counts them once it is back");

        // Redelivery must not charge twice: the counts stay put once the retries have had time to run again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await ChargedRequestsAsync(model)).Should().Be(charged + answered);
        (await CountedRequestsAsync(model)).Should().Be(counted + answered);
    }

    private static JsonObject Question(string model) => ChatBodies.User(model, ChatBodies.FreshQuestion("failover"), maxTokens: 8);

    private async Task ChatAnswersNormallyAsync(string model = "deepseek-chat") =>
        (await Eventually.TrueWithinAsync(Recovery, async () =>
        {
            using var reply = await platform.PostChatAsync(Question(model));
            return reply.StatusCode == HttpStatusCode.OK && !reply.Headers.Contains("X-Fallback");
        })).Should().BeTrue($"{model} is answered normally again after the fault");

    /// <summary>Waits until earlier requests' usage has stopped arriving, so the counts before the fault are final.</summary>
    private async Task SettledAsync(string model)
    {
        var last = -1L;
        (await Eventually.TrueWithinAsync(Recovery, async () =>
        {
            var now = await ChargedRequestsAsync(model);
            var settled = now == last;
            last = now;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            return settled;
        })).Should().BeTrue();
    }

    /// <summary>Requests users has charged today for the model (the public <c>/v1/usage</c> of the key's owner).</summary>
    private async Task<long> ChargedRequestsAsync(string model)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var reply = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, $"/v1/usage?from={today}&to={today}"));
        var report = await ReadJsonAsync(reply, HttpStatusCode.OK);
        return report["lines"]!.AsArray().Where(l => l!["model"]!.GetValue<string>() == model).Sum(l => l!["requests"]!.GetValue<long>());
    }

    /// <summary>Requests monitoring has aggregated for the model, read through monitoring's sidecar.</summary>
    private async Task<long> CountedRequestsAsync(string model)
    {
        var sidecarPort = await SidecarPortAsync("monitoring");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var summary = JsonNode.Parse(await client.GetStringAsync($"http://127.0.0.1:{sidecarPort}/v1.0/invoke/monitoring/method/internal/metrics/summary"))!;
        return summary["by_model"]?[model]?["totals"]?["requests"]?.GetValue<long>() ?? 0;
    }

    private static async Task<JsonNode> AdminAsync(HttpMethod method, string path)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(PlatformPorts.AdminUrl), Timeout = TimeSpan.FromMinutes(2) };
        using var reply = await admin.SendAsync(new HttpRequestMessage(method, path));
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.Should().Be(HttpStatusCode.OK, "the launcher's admin API answered: {0}", text);
        return JsonNode.Parse(text)!;
    }

    private static Task StopAsync(string appId, int? instance = null) =>
        AdminAsync(HttpMethod.Post, $"/admin/apps/{appId}/stop{(instance is { } port ? $"?instance={port}" : "")}");

    // The admin API answers once the started instances are healthy.
    private static Task StartAsync(string appId, int? instance = null) =>
        AdminAsync(HttpMethod.Post, $"/admin/apps/{appId}/start{(instance is { } port ? $"?instance={port}" : "")}");

    private static async Task<JsonObject> AppAsync(string appId) =>
        (await AdminAsync(HttpMethod.Get, "/admin/apps"))["apps"]!.AsArray()
            .Single(a => a!["appId"]!.GetValue<string>() == appId)!.AsObject();

    private static async Task<int> PidAsync(string appId) =>
        (await AppAsync(appId))["instances"]!.AsArray().Single()!["pid"]!.GetValue<int>();

    private static async Task<string> StateAsync(string appId) =>
        (await AppAsync(appId))["instances"]!.AsArray().Single()!["state"]!.GetValue<string>();

    private static async Task<int> SidecarPortAsync(string appId) => (await AppAsync(appId))["daprHttpPort"]!.GetValue<int>();

    private static async Task<IReadOnlyList<int>> GatewayAiPortsAsync() =>
        (await AppAsync("gateway-ai"))["instances"]!.AsArray().Select(i => i!["appPort"]!.GetValue<int>()).ToList();
}
