using System.Net;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Services.Tests.ServiceDefaults;

/// <summary>
/// What any service answers when a handler throws, on real Kestrel with the service defaults: a timed-out call of
/// ours is a retryable 503, a bug a 500 — both in the OpenAI error shape.
/// </summary>
public sealed class ExceptionRepliesTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // No sidecar here: the readiness check is not called by these tests.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:9" });
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/timeout", () => Task.FromException(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")));
        _app.MapGet("/bug", IResult () => throw new InvalidOperationException("a bug"));
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_call_of_ours_that_timed_out_is_a_retryable_503()
    {
        using var reply = await _client.GetAsync("/timeout");

        reply.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        reply.Headers.RetryAfter.Should().NotBeNull();
        var error = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!["error"]!;
        error["code"]!.GetValue<string>().Should().Be("service_unavailable");
    }

    [Fact]
    public async Task A_bug_is_a_500_in_the_openai_shape_without_details()
    {
        using var reply = await _client.GetAsync("/bug");

        reply.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var body = await reply.Content.ReadAsStringAsync();
        JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>().Should().Be("internal_error");
        body.Should().NotContain("a bug");
    }
}
