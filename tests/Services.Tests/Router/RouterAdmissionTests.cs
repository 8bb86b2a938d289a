using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Router.Admission;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.Router;

/// <summary>
/// Admission control at the edge, on real Kestrel in front of a sidecar stand-in whose replies the test holds open:
/// requests over a cluster's permits (and its queue) are shed with the marked 503, and permits come back when a
/// request completes, when its client goes away, and when a stream ends.
/// </summary>
public sealed class RouterAdmissionTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<TaskCompletionSource> _held = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private RecordingSidecar _sidecar = null!;
    private RouterFactory? _router;

    public async Task InitializeAsync()
    {
        _sidecar = await RecordingSidecar.StartAsync();
        var answerLikeAGateway = _sidecar.Reply;
        _sidecar.Reply = async context =>
        {
            if (context.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal) || context.Request.Path.Value.EndsWith("/hold", StringComparison.Ordinal))
            {
                await HoldAsync(context);
                return;
            }

            await answerLikeAGateway(context);
        };
    }

    public async Task DisposeAsync()
    {
        while (_held.TryDequeue(out var held))
        {
            held.TrySetResult();
        }

        _router?.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Requests_over_the_limit_get_a_503_with_retry_after_in_the_openai_shape_and_permits_come_back_after_completions()
    {
        using var client = Router(permits: 2, queue: 0).CreateClient();
        var first = client.PostAsync("/v1/models/hold", Json());
        var second = client.PostAsync("/v1/models/hold", Json());
        await ArrivedAsync(2);

        using var shed = await client.PostAsync("/v1/chat/completions", Json());

        shed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        shed.Headers.GetValues(EdgeAdmission.ShedHeader).Should().Equal(EdgeAdmission.ShedByRouter);
        shed.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
        shed.Headers.Contains("X-Request-Id").Should().BeTrue();
        var error = JsonSerializer.Deserialize(await shed.Content.ReadAsStringAsync(), ContractsJsonContext.Default.ErrorResponse)!.Error;
        error.Type.Should().Be(ErrorTypes.Unavailable);
        error.Code.Should().Be("overloaded");
        error.Message.Should().Contain("capacity");
        _sidecar.Requests.Should().HaveCount(2, "a shed request never reaches the sidecar");

        ReleaseAll();
        (await first).StatusCode.Should().Be(HttpStatusCode.OK);
        (await second).StatusCode.Should().Be(HttpStatusCode.OK);

        var again = await Task.WhenAll(client.PostAsync("/v1/chat/completions", Json()), client.PostAsync("/v1/chat/completions", Json()));
        again.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK, "both permits came back");

        var metrics = await client.GetStringAsync("/metrics");
        metrics.Should().MatchRegex("deepseek_router_shed_total\\{[^}]*cluster=\"gateway-ai\"[^}]*\\} 1");
    }

    [Fact]
    public async Task A_queued_request_gets_the_permit_a_cancelled_request_gave_back()
    {
        using var client = Router(permits: 1, queue: 1).CreateClient();
        using var leaving = new CancellationTokenSource();
        var abandoned = client.PostAsync("/v1/models/hold", Json(), leaving.Token);
        await ArrivedAsync(1);

        // Waits in the queue: the only permit is held by the request whose client is about to leave.
        var waiting = client.PostAsync("/v1/chat/completions", Json());
        await leaving.CancelAsync();
        await FluentActions.Awaiting(() => abandoned).Should().ThrowAsync<OperationCanceledException>();

        using var served = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        served.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_stream_holds_its_permit_until_it_ends()
    {
        using var client = Router(permits: 1, queue: 0).CreateClient();
        using var stream = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/models/stream") { Content = Json() },
            HttpCompletionOption.ResponseHeadersRead);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).Should().StartWith("data: ");

        using var shed = await client.PostAsync("/v1/chat/completions", Json());
        shed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "the open stream still holds the only permit");

        ReleaseAll();
        (await reader.ReadToEndAsync()).Should().Contain("data: [DONE]");
        using var after = await client.PostAsync("/v1/chat/completions", Json());
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Inference_traffic_at_its_limit_does_not_starve_account_calls()
    {
        using var client = Router(permits: 1, queue: 0).CreateClient();
        var chat = client.PostAsync("/v1/models/hold", Json());
        await ArrivedAsync(1);

        (await client.PostAsync("/v1/chat/completions", Json())).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using var balance = await client.GetAsync("/user/balance");
        balance.StatusCode.Should().Be(HttpStatusCode.OK, "each cluster has its own permits");

        ReleaseAll();
        (await chat).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_permit_limit_of_zero_turns_admission_off()
    {
        using var client = Router(permits: 0, queue: 0).CreateClient();
        var held = Enumerable.Range(0, 8).Select(_ => client.PostAsync("/v1/models/hold", Json())).ToList();
        await ArrivedAsync(8);

        ReleaseAll();
        (await Task.WhenAll(held)).Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
    }

    private RouterFactory Router(int permits, int queue)
    {
        _router = new RouterFactory(_sidecar.Port, new Dictionary<string, string>
        {
            ["Router:Admission:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Router:Admission:QueueLimit"] = queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Router:Admission:RetryAfterSeconds"] = "3",
            ["Router:Admission:Clusters:gateway-platform:PermitLimit"] = "4",
        });
        return _router;
    }

    /// <summary>Answers like a gateway, but keeps the reply open (a stream after its first event) until the test releases it.</summary>
    private async Task HoldAsync(HttpContext context)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held.Enqueue(release);
        context.Response.Headers["X-Request-Id"] = context.Request.Headers["X-Request-Id"].ToString();
        var streamed = context.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal);
        if (streamed)
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"choices\":[]}\n\n");
            await context.Response.Body.FlushAsync();
        }

        _arrived.Release();
        await release.Task.WaitAsync(context.RequestAborted);
        if (streamed)
        {
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"ok\":true}");
        }
    }

    private async Task ArrivedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await _arrived.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the held request reaches the sidecar");
        }
    }

    private void ReleaseAll()
    {
        while (_held.TryDequeue(out var held))
        {
            held.TrySetResult();
        }
    }

    private static StringContent Json() => new("{}", Encoding.UTF8, "application/json");
}
