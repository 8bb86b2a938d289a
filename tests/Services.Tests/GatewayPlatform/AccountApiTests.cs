using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DeepSeek.Dapr.Contracts;
using Services.Tests.GatewayPlatform.Support;

namespace Services.Tests.GatewayPlatform;

/// <summary>gateway-platform's own-account endpoints over HTTP with a sidecar stand-in for auth and users.</summary>
public sealed class AccountApiTests : IAsyncLifetime
{
    private const string Balance = """{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"5.00","granted_balance":"5.00","topped_up_balance":"0.00"}]}""";
    private const string Usage = """{"user_id":"alice","from":"2026-01-01","to":"2026-01-31","currency":"USD","lines":[]}""";

    private StandInSidecar _sidecar = null!;
    private GatewayPlatformFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await StandInSidecar.StartAsync();
        _sidecar.Reply("POST auth/internal/keys/verify", body => (200, body.Contains("sk-good", StringComparison.Ordinal)
            ? """{"valid":true,"key_id":"k1","user_id":"alice","scopes":["chat"]}"""
            : """{"valid":false,"reason":"unknown"}"""));
        _sidecar.Reply("GET users/internal/users/alice/balance", 200, Balance);
        _sidecar.Reply("GET users/internal/users/alice/usage", 200, Usage);
        _factory = new GatewayPlatformFactory(_sidecar.Port);
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-good");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Balance_of_the_keys_owner_comes_from_users_in_deepseeks_shape()
    {
        using var response = await _client.GetAsync("/v1/user/balance");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be(Balance);
        _sidecar.CallsTo("GET users/internal/users/alice/balance").Should().ContainSingle();
    }

    [Fact]
    public async Task Usage_passes_the_date_range_on()
    {
        using var response = await _client.GetAsync("/v1/usage?from=2026-01-01&to=2026-01-31");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _sidecar.CallsTo("GET users/internal/users/alice/usage").Single().Query.Should().Be("?from=2026-01-01&to=2026-01-31");
    }

    [Fact]
    public async Task Unknown_key_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/user/balance");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bad");

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Type.Should().Be("authentication_error");
        _sidecar.Calls.Should().NotContain(c => c.Call.Contains(" users/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Users_down_is_503_with_retry_after()
    {
        _sidecar.Reply("GET users/internal/users/alice/balance", 500, "");

        using var response = await _client.GetAsync("/v1/user/balance");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Theory]
    [InlineData("POST", "/v1/fine_tuning/jobs")]
    [InlineData("GET", "/v1/files")]
    [InlineData("GET", "/v1/user/profile")]
    public async Task Features_not_built_yet_answer_501(string method, string path)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.Should().Be(HttpStatusCode.NotImplemented);
        var error = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse);
        error!.Error.Code.Should().Be("not_implemented");
        error.Error.Message.Should().Contain("not available");
    }
}
