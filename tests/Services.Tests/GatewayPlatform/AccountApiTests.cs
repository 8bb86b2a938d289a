using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Apis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayPlatform;

/// <summary>gateway-platform over HTTP with a sidecar stand-in for auth and users.</summary>
public sealed class AccountApiTests : IAsyncLifetime
{
    private const string Balance = """{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"5.00","granted_balance":"5.00","topped_up_balance":"0.00"}]}""";

    private LoopbackApp _sidecar = null!;
    private PlatformFactory _factory = null!;
    private HttpClient _client = null!;
    private readonly List<string> _calls = [];
    private bool _usersDown;

    public async Task InitializeAsync()
    {
        _sidecar = await LoopbackApp.StartAsync(app => app.Map("/v1.0/invoke/{appId}/method/{**method}", async (HttpContext context, string appId, string method) =>
        {
            lock (_calls)
            {
                _calls.Add($"{appId}/{method}{context.Request.QueryString}");
            }

            if (appId == "auth")
            {
                var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.KeyVerificationRequest);
                var result = request!.ApiKey == "sk-good" ? new KeyVerificationResult(true, "k1", "alice") : new KeyVerificationResult(false, Reason: "unknown");
                await context.Response.WriteAsJsonAsync(result, ContractsJsonContext.Default.KeyVerificationResult);
                return;
            }

            if (_usersDown)
            {
                context.Response.StatusCode = 500;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(method.EndsWith("/balance", StringComparison.Ordinal) ? Balance : """{"days":[]}""");
        }));
        _factory = new PlatformFactory(_sidecar.Port);
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
    public async Task Balance_of_the_keys_owner_is_relayed_from_users()
    {
        using var response = await _client.GetAsync("/v1/user/balance");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be(Balance);
        _calls.Should().Contain("users/internal/users/alice/balance");
    }

    [Fact]
    public async Task Usage_passes_the_date_range_on()
    {
        using var response = await _client.GetAsync("/v1/usage?from=2026-01-01&to=2026-01-31");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _calls.Should().Contain("users/internal/users/alice/usage?from=2026-01-01&to=2026-01-31");
    }

    [Fact]
    public async Task Unknown_key_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/user/balance");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bad");

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Type.Should().Be("authentication_error");
        _calls.Should().NotContain(c => c.StartsWith("users/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Users_down_is_503_with_retry_after()
    {
        _usersDown = true;

        using var response = await _client.GetAsync("/v1/user/balance");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Theory]
    [InlineData("GET", "/v1/admin/users")]
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

    private sealed class PlatformFactory(int sidecarPort) : WebApplicationFactory<AccountServices>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.UseSetting("DAPR_HTTP_PORT", sidecarPort.ToString(CultureInfo.InvariantCulture));
    }
}
