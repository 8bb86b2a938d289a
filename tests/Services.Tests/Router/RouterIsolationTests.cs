using System.Net;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.Router;

/// <summary>
/// Domain isolation at the edge (issue "Resilience" item 5): with gateway-platform unreachable behind the sidecar,
/// chat traffic through the same router is untouched and account calls get a quick 503 with Retry-After, marked
/// degraded. The router itself never repeats a request: one client request, one call to the sidecar.
/// </summary>
public sealed class RouterIsolationTests : IAsyncLifetime
{
    private RecordingSidecar _sidecar = null!;
    private RouterFactory _router = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await RecordingSidecar.StartAsync();
        var answerLikeAGateway = _sidecar.Reply;
        _sidecar.Reply = async context =>
        {
            if (context.Request.Path.StartsWithSegments("/v1.0/invoke/gateway-platform"))
            {
                // daprd's own reply when the target app cannot be reached or its circuit breaker is open.
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("""{"errorCode":"ERR_DIRECT_INVOKE","message":"circuit breaker is open"}""");
                return;
            }

            await answerLikeAGateway(context);
        };
        _router = new RouterFactory(_sidecar.Port, new Dictionary<string, string> { ["Router:RetryAfterSeconds"] = "5" });
    }

    public async Task DisposeAsync()
    {
        _router.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Gateway_platform_down_leaves_chat_untouched_and_account_calls_get_a_degraded_503()
    {
        using var client = _router.CreateClient();

        var chats = Enumerable.Range(0, 20).Select(_ => client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json")));
        var balances = Enumerable.Range(0, 20).Select(_ => client.GetAsync("/user/balance"));
        var replies = await Task.WhenAll(chats.Concat(balances));

        foreach (var chat in replies[..20])
        {
            chat.StatusCode.Should().Be(HttpStatusCode.OK);
            chat.Headers.Contains(DeepSeek.Dapr.Router.Proxy.SidecarErrors.FallbackHeader).Should().BeFalse();
        }

        foreach (var balance in replies[20..])
        {
            balance.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            balance.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
            balance.Headers.GetValues("X-Fallback").Should().Equal("degraded");
            var error = JsonSerializer.Deserialize(await balance.Content.ReadAsStringAsync(), ContractsJsonContext.Default.ErrorResponse)!.Error;
            error.Message.Should().Contain("gateway-platform");
        }

        _sidecar.Requests.Should().HaveCount(40, "every client request reaches the sidecar once: the router adds no retry of its own");
        foreach (var reply in replies)
        {
            reply.Dispose();
        }
    }

    [Fact]
    public async Task A_failed_idempotent_call_is_not_repeated_by_the_router()
    {
        using var client = _router.CreateClient();

        using var response = await client.GetAsync("/v1/user/balance");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        _sidecar.Requests.Should().ContainSingle("retries belong to the sidecar's resiliency policy, not to the proxy");
    }
}
