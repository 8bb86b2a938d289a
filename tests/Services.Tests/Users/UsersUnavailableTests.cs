using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Services.Tests.Users;

/// <summary>The users app with its sidecar gone (nothing listens on the sidecar's ports): clear 503s, never a 500.</summary>
public sealed class UsersUnavailableTests : IAsyncLifetime
{
    private WebApplicationFactory<UsersOptions> _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var closed = ClosedPort();
        _factory = new WebApplicationFactory<UsersOptions>().WithWebHostBuilder(b =>
        {
            b.UseSetting("APP_ID", AppIds.Users);
            b.UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{closed}");
            b.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{closed}");
        });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Account_operations_answer_503_with_retry_after_when_the_sidecar_is_down()
    {
        var get = await _client.GetAsync("/internal/users/alice/balance");
        var check = await _client.PostAsJsonAsync("/internal/quota/check", new QuotaCheckRequest("alice", null, "deepseek-chat", 10), ContractsJsonContext.Default.QuotaCheckRequest);
        var plans = await _client.GetAsync("/internal/plans");

        foreach (var reply in new[] { get, check, plans })
        {
            reply.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            reply.Headers.RetryAfter.Should().NotBeNull();
            (await reply.Content.ReadAsStringAsync()).Should().Contain("service_unavailable");
        }
    }

    [Fact]
    public async Task A_usage_event_that_cannot_be_settled_now_is_retried_not_dropped()
    {
        var reply = await _client.PostAsync("/events/usage-recorded", BulkUsageEnvelope.Of(BulkUsageEnvelope.Entry("e1", UsersTestData.Usage("alice"))));

        (await BulkUsageEnvelope.StatusesAsync(reply)).Should().Equal(new Dictionary<string, string> { ["e1"] = "RETRY" });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
