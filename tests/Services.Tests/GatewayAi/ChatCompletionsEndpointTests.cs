using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayAi;

/// <summary>
/// The gateway app end to end over HTTP, its downstream calls going through a fake sidecar (real Kestrel) to stand-ins
/// of the other services: the request workflow, cache, streaming, errors and cancellation.
/// </summary>
public sealed class ChatCompletionsEndpointTests : IAsyncLifetime
{
    private FakeSidecar _sidecar = null!;
    private GatewayAiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _factory = new GatewayAiFactory(_sidecar);
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeSidecar.GoodKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Complete_chat_goes_through_auth_models_users_inference_and_publishes_usage_once()
    {
        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Cache").Should().Equal("MISS");
        response.Headers.GetValues("X-Request-Id").Single().Should().NotBeNullOrEmpty();
        var completion = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        completion.Id.Should().StartWith("chatcmpl-");
        completion.Object.Should().Be("chat.completion");
        completion.SystemFingerprint.Should().Be("fp_deepseek_dapr");
        completion.Choices.Single().Message.Content.Should().Be("Hello from the fake");
        completion.Usage!.PromptCacheMissTokens.Should().Be(10);
        completion.Usage.PromptCacheHitTokens.Should().Be(0);

        _sidecar.CallsTo("auth/").Should().Be(1);
        _sidecar.CallsTo("models/").Should().Be(1);
        _sidecar.CallsTo("actors/UserAccountActor/alice/method/Reserve").Should().Be(1);
        _sidecar.CallsTo("chat/").Should().Be(0, "no conversation and the prompt fits the window: chat has nothing to add");
        _sidecar.Generations.Single().Model.Id.Should().Be("deepseek-chat", "the alias is resolved before inference");
        var usage = _factory.Usage.Published.Should().ContainSingle().Subject;
        usage.UserId.Should().Be("alice");
        usage.KeyId.Should().Be("key-1");
        usage.ReservationId.Should().Be("res-1-1");
        usage.CacheHit.Should().BeFalse();
        usage.PromptTokens.Should().Be(10);
        usage.CompletionTokens.Should().Be(3);
        usage.RequestId.Should().Be(response.Headers.GetValues("X-Request-Id").Single());
        _factory.Cache.Entries.Should().BeEmpty("temperature defaults to 1 and no seed: not reproducible");
    }

    [Fact]
    public async Task Repeated_reproducible_request_is_a_cache_hit_without_inference()
    {
        const string body = """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"temperature":0}""";
        using var first = await PostAsync(body);
        using var second = await PostAsync(body.Replace("deepseek-chat", "chat", StringComparison.Ordinal));

        first.Headers.GetValues("X-Cache").Should().Equal("MISS");
        second.Headers.GetValues("X-Cache").Should().Equal("HIT");
        _sidecar.Generations.Should().HaveCount(1);
        var a = (await first.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        var b = (await second.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        b.Choices[0].Message.Content.Should().Be(a.Choices[0].Message.Content);
        b.Id.Should().NotBe(a.Id);
        b.Usage!.PromptCacheHitTokens.Should().Be(b.Usage.PromptTokens).And.BeGreaterThan(0);
        b.Usage.PromptCacheMissTokens.Should().Be(0);
        _factory.Usage.Published.Select(u => u.CacheHit).Should().Equal(false, true);
    }

    [Fact]
    public async Task Stream_relays_chunks_with_keep_alive_and_done_and_no_usage_chunk_by_default()
    {
        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().StartWith(": keep-alive\n\n");
        var data = DataEvents(text);
        data[^1].Should().Be("[DONE]");
        data.Count(d => d == "[DONE]").Should().Be(1);
        var chunks = data[..^1].Select(d => JsonSerializer.Deserialize(d, ContractsJsonContext.Default.ChatCompletionChunk)!).ToList();
        chunks[0].Choices[0].Delta.Role.Should().Be("assistant");
        chunks.Should().OnlyContain(c => c.Usage == null && c.Choices.Count == 1);
        string.Concat(chunks.Select(c => c.Choices[0].Delta.Content)).Should().Be("Hello from the fake");
        chunks[^1].Choices[0].FinishReason.Should().Be("stop");
        _sidecar.Generations.Single().Request.Stream.Should().BeTrue();
        _factory.Usage.Published.Should().ContainSingle().Which.Streamed.Should().BeTrue();
    }

    [Fact]
    public async Task Stream_with_include_usage_ends_with_an_OpenAI_style_usage_chunk()
    {
        using var response = await PostAsync(
            """{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""");

        var data = DataEvents(await response.Content.ReadAsStringAsync());
        var usageChunk = JsonSerializer.Deserialize(data[^2], ContractsJsonContext.Default.ChatCompletionChunk)!;
        usageChunk.Choices.Should().BeEmpty();
        usageChunk.Usage!.PromptTokens.Should().Be(10);
        usageChunk.Usage.PromptCacheMissTokens.Should().Be(10);
    }

    [Fact]
    public async Task Streamed_answer_is_cached_and_served_to_a_complete_request()
    {
        const string body = """{"model":"chat","messages":[{"role":"user","content":"hi"}],"seed":7,"stream":true}""";
        using (var streamed = await PostAsync(body))
        {
            await streamed.Content.ReadAsStringAsync();
        }

        using var complete = await PostAsync(body.Replace(",\"stream\":true", string.Empty, StringComparison.Ordinal));
        using var streamedAgain = await PostAsync(body);

        complete.Headers.GetValues("X-Cache").Should().Equal("HIT");
        (await complete.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!
            .Choices[0].Message.Content.Should().Be("Hello from the fake");
        streamedAgain.Headers.GetValues("X-Cache").Should().Equal("HIT");
        var replay = DataEvents(await streamedAgain.Content.ReadAsStringAsync());
        replay[^1].Should().Be("[DONE]");
        string.Concat(replay[..^1].Select(d => JsonSerializer.Deserialize(d, ContractsJsonContext.Default.ChatCompletionChunk)!)
            .SelectMany(c => c.Choices).Select(c => c.Delta.Content)).Should().Be("Hello from the fake");
        _sidecar.Generations.Should().HaveCount(1);
    }

    [Fact]
    public async Task Conversation_request_goes_through_chat_for_context()
    {
        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"conversation_id":"conv-1","temperature":0}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _sidecar.Generations.Single().Request.Messages!.Select(m => m.Content!.Text).Should().Equal("earlier question", "hi");
        _sidecar.CallsTo("chat/internal/conversations/conv-1/turns").Should().Be(1);
        _factory.Cache.Entries.Should().BeEmpty("a conversation depends on stored history");
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("Basic abc", "invalid_api_key")]
    [InlineData("Bearer sk-nobody", "invalid_api_key")]
    [InlineData("Bearer " + FakeSidecar.RevokedKey, "revoked_api_key")]
    public async Task Bad_keys_get_401_in_the_OpenAI_shape(string? authorization, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = null;
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var anonymous = _factory.CreateClient();
        using var response = await anonymous.SendAsync(request);

        var error = await ErrorAsync(response, HttpStatusCode.Unauthorized);
        error.Type.Should().Be("authentication_error");
        error.Code.Should().Be(code);
        _sidecar.Generations.Should().BeEmpty();
    }

    [Fact]
    public async Task Missing_key_is_401_even_for_an_invalid_body()
    {
        using var anonymous = _factory.CreateClient();
        using var response = await anonymous.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        (await ErrorAsync(response, HttpStatusCode.Unauthorized)).Code.Should().Be("missing_api_key");
    }

    [Fact]
    public async Task Unknown_model_is_404_model_not_found()
    {
        using var response = await PostAsync("""{"model":"gpt-17","messages":[{"role":"user","content":"hi"}]}""");

        var error = await ErrorAsync(response, HttpStatusCode.NotFound);
        error.Code.Should().Be("model_not_found");
        error.Param.Should().Be("model");
        error.Message.Should().Contain("gpt-17");
    }

    [Fact]
    public async Task Max_tokens_above_the_model_limit_is_refused_after_resolution()
    {
        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"max_tokens":100000}""");

        (await ErrorAsync(response, HttpStatusCode.UnprocessableEntity)).Param.Should().Be("max_tokens");
    }

    [Theory]
    [InlineData(402, "insufficient_balance", null)]
    [InlineData(403, "permission_error", null)]
    [InlineData(429, "rate_limit_error", "30")]
    public async Task Quota_refusals_keep_their_status(int status, string type, string? retryAfter)
    {
        _sidecar.Quota = _ => new QuotaDecision(false, status, "refused by plan", status == 429 ? 30 : null);

        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""");

        var error = await ErrorAsync(response, (HttpStatusCode)status);
        error.Type.Should().Be(type);
        error.Message.Should().Be("refused by plan");
        (response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Should().Be(retryAfter);
        _sidecar.Generations.Should().BeEmpty();
    }

    [Theory]
    [InlineData("auth")]
    [InlineData("models")]
    [InlineData("users")]
    [InlineData("inference")]
    public async Task A_downstream_app_that_is_down_gives_a_degraded_503(string app)
    {
        _sidecar.DownApps.Add(app);

        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""");

        var error = await ErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        error.Type.Should().Be("service_unavailable");
        error.Message.Should().Contain(app);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        response.Headers.GetValues("X-Fallback").Should().Equal("degraded");
    }

    [Fact]
    public async Task Inference_down_for_a_stream_is_a_503_status_not_a_broken_stream()
    {
        _sidecar.DownApps.Add("inference");

        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        (await ErrorAsync(response, HttpStatusCode.ServiceUnavailable)).Type.Should().Be("service_unavailable");
    }

    [Fact]
    public async Task Inference_rejection_passes_its_4xx_error_on()
    {
        _sidecar.Inference.Behaviour = FakeInference.Mode.Reject400;

        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""");

        (await ErrorAsync(response, HttpStatusCode.BadRequest)).Code.Should().Be("unsupported_content");
    }

    [Fact]
    public async Task Stream_broken_mid_way_ends_with_an_error_event_and_done()
    {
        _sidecar.Inference.Behaviour = FakeInference.Mode.BreakMidStream;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"temperature":0}""", Encoding.UTF8, "application/json"),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            received.Append(line).Append('\n');
            if (line.Contains("\"Hello\"", StringComparison.Ordinal))
            {
                _sidecar.Inference.Release();
            }
        }

        var data = DataEvents(received.ToString());
        data[^1].Should().Be("[DONE]");
        data[^2].Should().Contain("\"error\"").And.Contain("stream_interrupted");
        _factory.Cache.Entries.Should().BeEmpty("a broken answer is never cached");
        _factory.Usage.Published.Should().ContainSingle("what was generated is still billed once");
    }

    [Fact]
    public async Task Error_event_from_inference_is_relayed_and_done_follows()
    {
        _sidecar.Inference.Behaviour = FakeInference.Mode.ErrorEventMidStream;

        using var response = await PostAsync("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        var data = DataEvents(await response.Content.ReadAsStringAsync());
        data[^2].Should().Contain("upstream_error");
        data[^1].Should().Be("[DONE]");
    }

    [Fact]
    public async Task Keep_alive_comments_flow_while_waiting_for_the_first_token_and_client_disconnect_cancels_inference()
    {
        _sidecar.Inference.Behaviour = FakeInference.Mode.HoldBeforeFirstToken;
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        // Two comments before any data: the immediate one and at least one from the timer.
        (await reader.ReadLineAsync(cts.Token)).Should().Be(": keep-alive");
        (await reader.ReadLineAsync(cts.Token)).Should().BeEmpty();
        (await reader.ReadLineAsync(cts.Token)).Should().Be(": keep-alive");

        await cts.CancelAsync();
        response.Dispose();

        await _sidecar.InferenceCancelled.Task.WaitAsync(TimeSpan.FromSeconds(15));
        _sidecar.InferenceCancelled.Task.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task Trace_context_of_the_sidecar_flows_into_every_downstream_call_without_a_trace_exporter()
    {
        // No OTEL_EXPORTER_OTLP_ENDPOINT here, so no tracer provider records spans; the trace must still be one trace.
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _sidecar.TraceParents.Select(t => t.AppId).Should().Contain(["auth", "models", "inference"]);
        _sidecar.TraceParents.Should().OnlyContain(t => t.TraceParent.StartsWith($"00-{traceId}-", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> PostAsync(string json) =>
        await _client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<ErrorBody> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonSerializer.Deserialize(text, ContractsJsonContext.Default.ErrorResponse)!.Error;
    }

    private static List<string> DataEvents(string sse) =>
        [.. sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.StartsWith("data: ", StringComparison.Ordinal)).Select(e => e[6..])];
}
