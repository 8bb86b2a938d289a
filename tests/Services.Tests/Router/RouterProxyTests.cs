using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.Router;

/// <summary>The router on real Kestrel in front of a recording sidecar: routing, headers, limits and error shapes.</summary>
public sealed class RouterProxyTests : IAsyncLifetime
{
    private RecordingSidecar _sidecar = null!;
    private readonly List<IDisposable> _disposables = [];

    public async Task InitializeAsync() => _sidecar = await RecordingSidecar.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await _sidecar.DisposeAsync();
    }

    [Theory]
    [InlineData("POST", "/chat/completions", "/v1.0/invoke/gateway-ai/method/v1/chat/completions")]
    [InlineData("POST", "/v1/chat/completions", "/v1.0/invoke/gateway-ai/method/v1/chat/completions")]
    [InlineData("POST", "/completions", "/v1.0/invoke/gateway-ai/method/v1/completions")]
    [InlineData("GET", "/models", "/v1.0/invoke/gateway-ai/method/v1/models")]
    [InlineData("GET", "/v1/models", "/v1.0/invoke/gateway-ai/method/v1/models")]
    [InlineData("GET", "/models/deepseek-chat", "/v1.0/invoke/gateway-ai/method/v1/models/deepseek-chat")]
    [InlineData("GET", "/user/balance", "/v1.0/invoke/gateway-platform/method/v1/user/balance")]
    [InlineData("GET", "/v1/user/balance", "/v1.0/invoke/gateway-platform/method/v1/user/balance")]
    [InlineData("GET", "/usage?from=2026-01-01", "/v1.0/invoke/gateway-platform/method/v1/usage?from=2026-01-01")]
    [InlineData("POST", "/fine_tuning/jobs", "/v1.0/invoke/gateway-platform/method/v1/fine_tuning/jobs")]
    [InlineData("GET", "/v1/files/file-1", "/v1.0/invoke/gateway-platform/method/v1/files/file-1")]
    [InlineData("GET", "/admin/users", "/v1.0/invoke/gateway-platform/method/v1/admin/users")]
    public async Task Paths_are_routed_to_their_gateway_through_the_sidecar(string method, string path, string expected)
    {
        var client = Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var recorded = _sidecar.Requests.Should().ContainSingle().Subject;
        recorded.PathAndQuery.TrimEnd('/').Should().Be(expected);
        recorded.Method.Should().Be(method);
    }

    [Fact]
    public async Task Request_id_is_generated_passed_down_and_returned_once()
    {
        using var response = await Client().PostAsync("/v1/chat/completions", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));

        var recorded = _sidecar.Requests.Single();
        recorded.RequestId.Should().NotBeNullOrEmpty();
        recorded.Body.Should().Be("{\"a\":1}");
        response.Headers.GetValues("X-Request-Id").Should().Equal(recorded.RequestId);
    }

    [Fact]
    public async Task Callers_request_id_is_kept()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Add("X-Request-Id", "client-chosen-1");

        using var response = await Client().SendAsync(request);

        _sidecar.Requests.Single().RequestId.Should().Be("client-chosen-1");
        response.Headers.GetValues("X-Request-Id").Should().Equal("client-chosen-1");
    }

    [Fact]
    public async Task Sidecar_api_token_is_sent_and_a_client_supplied_one_is_not()
    {
        var client = Client(new() { ["DAPR_API_TOKEN"] = "sidecar-secret" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Add("dapr-api-token", "forged");

        using var _ = await client.SendAsync(request);

        _sidecar.Requests.Single().ApiToken.Should().Be("sidecar-secret");
    }

    [Fact]
    public async Task No_token_is_sent_when_none_is_configured()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Add("dapr-api-token", "forged");

        using var _ = await Client().SendAsync(request);

        _sidecar.Requests.Single().ApiToken.Should().BeEmpty();
    }

    [Theory]
    [InlineData("GET", "/v2/engines")]
    [InlineData("POST", "/v1/embeddings")]
    [InlineData("GET", "/favicon.ico")]
    public async Task Unknown_paths_are_404_in_the_OpenAI_shape(string method, string path)
    {
        using var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await ErrorAsync(response, HttpStatusCode.NotFound);
        error.Code.Should().Be("unknown_url");
        error.Message.Should().Contain(path);
        _sidecar.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("127.0.0.0/8", "")]
    [InlineData("", "10.0.0.0/8")]
    public async Task Clients_outside_the_ip_filter_get_403(string deny, string allow)
    {
        var settings = new Dictionary<string, string>();
        if (deny.Length > 0)
        {
            settings["Router:IpFilter:Deny:0"] = deny;
        }

        if (allow.Length > 0)
        {
            settings["Router:IpFilter:Allow:0"] = allow;
        }

        using var response = await Client(settings).GetAsync("/models");

        (await ErrorAsync(response, HttpStatusCode.Forbidden)).Code.Should().Be("ip_not_allowed");
        _sidecar.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Clients_inside_the_allow_list_pass()
    {
        using var response = await Client(new() { ["Router:IpFilter:Allow:0"] = "127.0.0.1/32", ["Router:IpFilter:Allow:1"] = "::1" }).GetAsync("/models");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_by_content_length()
    {
        var client = Client(new() { ["Router:MaxRequestBodyBytes"] = "100" });

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(new string('x', 101), Encoding.UTF8, "application/json"));

        (await ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge)).Message.Should().Contain("100 bytes");
        _sidecar.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var client = Client(new() { ["Router:MaxRequestBodyBytes"] = "100" });
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('x', 5000))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Per_key_rate_limit_gives_429_with_retry_after_and_keys_are_counted_apart()
    {
        var client = Client(new() { ["Router:RateLimits:PerKey:PermitLimit"] = "2", ["Router:RateLimits:PerKey:Kind"] = "Fixed" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendWithKeyAsync(client, "sk-a");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeGreaterThan(0);
                (await ErrorAsync(response, HttpStatusCode.TooManyRequests)).Type.Should().Be("rate_limit_error");
            }
        }

        using var other = await SendWithKeyAsync(client, "sk-b");

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        other.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Per_ip_rate_limit_applies_to_anonymous_calls_too()
    {
        var client = Client(new() { ["Router:RateLimits:PerIp:PermitLimit"] = "1" });

        using var first = await client.GetAsync("/models");
        using var second = await client.GetAsync("/models");

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ErrorAsync(second, HttpStatusCode.TooManyRequests)).Code.Should().Be("rate_limit_exceeded");
        second.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task Unreachable_sidecar_is_503_with_retry_after()
    {
        var factory = new RouterFactory(FreePort(), new Dictionary<string, string> { ["Router:RetryAfterSeconds"] = "9" });
        _disposables.Add(factory);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        (await ErrorAsync(response, HttpStatusCode.ServiceUnavailable)).Message.Should().Contain("gateway-ai");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(9));
        response.Headers.Contains("X-Request-Id").Should().BeTrue();
    }

    [Fact]
    public async Task Sidecar_own_500_becomes_503_in_the_OpenAI_shape()
    {
        _sidecar.Reply = async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"errorCode":"ERR_DIRECT_INVOKE","message":"app channel not initialized"}""");
        };

        using var response = await Client().GetAsync("/user/balance");

        var error = await ErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        error.Type.Should().Be("service_unavailable");
        error.Message.Should().Contain("gateway-platform");
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task Gateway_errors_pass_through_unchanged()
    {
        _sidecar.Reply = async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers["X-Request-Id"] = "r1";
            context.Response.Headers["X-Fallback"] = "degraded";
            context.Response.Headers.RetryAfter = "3";
            await context.Response.WriteAsync("""{"error":{"message":"inference is not answering","type":"service_unavailable"}}""");
        };

        using var response = await Client().PostAsync("/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        (await ErrorAsync(response, HttpStatusCode.ServiceUnavailable)).Message.Should().Be("inference is not answering");
        response.Headers.GetValues("X-Fallback").Should().Equal("degraded");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Server_sent_events_are_not_buffered()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sidecar.Reply = async context =>
        {
            context.Response.Headers["X-Request-Id"] = "r1";
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await gate.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("data: [DONE]\n\n");
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The second event is only written after the first has reached the client: a buffering proxy would hang here.
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20))).Should().Be("data: first");
        gate.SetResult();
        (await reader.ReadToEndAsync()).Should().Contain("data: [DONE]");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
    }

    private HttpClient Client(Dictionary<string, string>? settings = null)
    {
        var factory = new RouterFactory(_sidecar.Port, settings);
        _disposables.Add(factory);
        var client = factory.CreateClient();
        _disposables.Add(client);
        return client;
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.SendAsync(request);
    }

    private static int FreePort() => Services.Tests.Support.TestPorts.Next();

    private static async Task<ErrorBody> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonSerializer.Deserialize(text, ContractsJsonContext.Default.ErrorResponse)!.Error;
    }
}
