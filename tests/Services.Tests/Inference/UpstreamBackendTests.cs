using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

/// <summary>The <c>openai</c> backend through <c>/internal/generate</c>, against a fake OpenAI-compatible server.</summary>
public sealed class UpstreamBackendTests(InferenceApp app) : IClassFixture<InferenceApp>
{
    private async Task<HttpResponseMessage> Generate(string behaviour, bool stream, string? endpoint = null, CancellationToken cancellationToken = default) =>
        await app.GenerateAsync(new GenerateRequest($"req-{behaviour}", InferenceApp.Ask("Hi", stream, temperature: null), app.UpstreamModel(behaviour, endpoint)), cancellationToken);

    private RecordedRequest LastRequestFor(string behaviour) =>
        app.Upstream.Requests.Last(r => r.Body.RootElement.GetProperty("model").GetString() == behaviour);

    [Fact]
    public async Task Complete_reply_is_relayed_with_our_id_and_model()
    {
        using var response = await Generate("openai-style", stream: false);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var completion = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        completion.Id.Should().Be("chatcmpl-req-openai-style");
        completion.Model.Should().Be("my-upstream");
        completion.Choices[0].Message.Content.Should().Be("Hello from upstream");
        completion.Usage!.TotalTokens.Should().Be(15);
        var sent = LastRequestFor("openai-style").Body.RootElement;
        sent.GetProperty("stream").GetBoolean().Should().BeFalse();
        sent.TryGetProperty("conversation_id", out _).Should().BeFalse();
        LastRequestFor("openai-style").Authorization.Should().BeEmpty("no upstream key is configured");
    }

    [Theory]
    [InlineData("openai-style")]
    [InlineData("deepseek-style")]
    public async Task Both_stream_styles_are_re_emitted_in_the_platform_contract(string style)
    {
        using var response = await Generate(style, stream: true);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var (chunks, usage) = SseEvents.AssertContract(await SseEvents.ReadAsync(response), "my-upstream");
        chunks.Should().OnlyContain(c => c.Id == $"chatcmpl-req-{style}");
        SseEvents.Content(chunks).Should().Be("Hello from upstream");
        chunks[^1].Choices[0].FinishReason.Should().Be("stop");
        usage.PromptTokens.Should().Be(11);
        usage.CompletionTokens.Should().Be(4);
        LastRequestFor(style).Body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Missing_usage_is_counted_locally()
    {
        using var response = await Generate("no-usage", stream: true);

        var (_, usage) = SseEvents.AssertContract(await SseEvents.ReadAsync(response), "my-upstream");
        usage.PromptTokens.Should().Be(TokenCounter.CountPrompt(InferenceApp.Ask("Hi").Messages!));
        usage.CompletionTokens.Should().Be(TokenCounter.Count("Hello from upstream"));
    }

    [Fact]
    public async Task Tool_call_deltas_pass_through_unchanged()
    {
        var request = InferenceApp.Ask("Weather in Paris?", stream: true, temperature: null);
        request.Tools = JsonDocument.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""").RootElement;
        using var response = await app.GenerateAsync(new GenerateRequest("req-tools", request, app.UpstreamModel("tools")));

        var (chunks, _) = SseEvents.AssertContract(await SseEvents.ReadAsync(response), "my-upstream");
        var toolDeltas = chunks.Where(c => c.Choices[0].Delta.ToolCalls != null).ToList();
        toolDeltas.Should().HaveCount(2);
        toolDeltas[0].Choices[0].Delta.ToolCalls!.Value[0].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        toolDeltas[1].Choices[0].Delta.ToolCalls!.Value[0].GetProperty("function").GetProperty("arguments").GetString().Should().Be("{\"city\":\"Paris\"}");
        chunks[^1].Choices[0].FinishReason.Should().Be("tool_calls");
        LastRequestFor("tools").Body.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
    }

    [Theory]
    [InlineData("bad-request", false, 400, "max_tokens is too large")]
    [InlineData("bad-request", true, 400, "max_tokens is too large")]
    [InlineData("ollama-error", true, 404, "model 'llama9' not found")]
    [InlineData("server-error", false, 502, "internal failure in the upstream")]
    [InlineData("unavailable", true, 503, "unavailable")]
    [InlineData("garbage", false, 502, "invalid reply")]
    public async Task Upstream_errors_are_mapped_to_openai_errors_before_any_stream_starts(string behaviour, bool stream, int status, string message)
    {
        using var response = await Generate(behaviour, stream);

        ((int)response.StatusCode).Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!;
        error.Error.Message.Should().Contain(message);
        if (status == 503)
        {
            response.Headers.RetryAfter.Should().NotBeNull();
        }
    }

    [Fact]
    public async Task Garbage_as_the_first_stream_event_still_gets_a_status()
    {
        using var response = await Generate("garbage", stream: true);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, "the first event is read before the stream starts, so the failure still gets a status");
    }

    [Fact]
    public async Task Unreachable_upstream_is_503()
    {
        using var response = await Generate("openai-style", stream: false, endpoint: $"http://127.0.0.1:{LoopbackServer.ClosedPort()}");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Type.Should().Be(ErrorTypes.Unavailable);
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_upstream_call_and_is_counted()
    {
        using (var cts = new CancellationTokenSource())
        {
            var response = await Generate("slow-forever", stream: true, cancellationToken: cts.Token);
            var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[256];
            (await body.ReadAsync(buffer, cts.Token)).Should().BeGreaterThan(0);
            await cts.CancelAsync();
            response.Dispose();
        }

        await app.Upstream.SlowStreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        string metrics;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            metrics = await app.Client.GetStringAsync("metrics");
            if (metrics.Contains("deepseek_inference_generations_cancelled_total", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        metrics.Should().MatchRegex("deepseek_inference_generations_cancelled_total\\{[^}]*model=\"my-upstream\"[^}]*\\} [1-9]");
    }
}
