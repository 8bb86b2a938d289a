using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FakeUpstream;
using Platform.Tests.Infrastructure;

namespace Platform.Tests;

/// <summary>The fake upstream itself (no platform needed): the e2e tests lean on its two stream styles being right.</summary>
public sealed class FakeUpstreamTests : IAsyncLifetime
{
    private readonly FakeUpstreamServer _openAi = new(new FakeUpstreamOptions { Style = StreamStyle.OpenAi, Reply = "one two three four" });
    private readonly FakeUpstreamServer _deepSeek = new(new FakeUpstreamOptions { Style = StreamStyle.DeepSeek, Reply = "one two three four" });
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        await _openAi.StartAsync();
        await _deepSeek.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _openAi.DisposeAsync();
        await _deepSeek.DisposeAsync();
    }

    [Fact]
    public async Task Complete_reply_is_the_fixed_text_with_usage_and_the_request_is_recorded()
    {
        using var response = await PostAsync(_openAi, ChatBodies.User("m-1", "hello there", maxTokens: null), apiKey: "sk-upstream");
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ApiAssertions.Content(completion).Should().Be("one two three four");
        completion["model"]!.GetValue<string>().Should().Be("m-1");
        completion["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(4);
        completion["usage"]!["total_tokens"]!.GetValue<int>().Should().Be(6);

        var received = _openAi.Received.Should().ContainSingle().Subject;
        received.Model.Should().Be("m-1");
        received.Authorization.Should().Be("Bearer sk-upstream");
        received.Completed.Should().BeTrue();
        var listed = JsonNode.Parse(await _http.GetStringAsync(_openAi.BaseUrl + "/_received"))!.AsArray();
        listed.Should().ContainSingle().Which!["body"]!["messages"]![0]!["content"]!.GetValue<string>().Should().Be("hello there");
    }

    [Fact]
    public async Task OpenAi_style_stream_sends_a_separate_usage_chunk_only_when_asked()
    {
        var withUsage = await StreamAsync(_openAi, includeUsage: true);
        var without = await StreamAsync(_openAi, includeUsage: false);

        withUsage.Events.Should().Contain(e => e.Comment == "keep-alive");
        var transcript = withUsage.Transcript;
        transcript.Content.Should().Be("one two three four");
        transcript.FinishReasons.Should().Equal("stop");
        transcript.UsageChunks.Should().ContainSingle().Which["choices"]!.AsArray().Should().BeEmpty();
        transcript.EndsWithDone.Should().BeTrue();
        without.Transcript.UsageChunks.Should().BeEmpty();
    }

    [Fact]
    public async Task DeepSeek_style_stream_puts_usage_on_the_finish_chunk()
    {
        var (_, transcript) = await StreamAsync(_deepSeek, includeUsage: false);

        var usageChunk = transcript.UsageChunks.Should().ContainSingle().Subject;
        usageChunk["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("stop");
        usageChunk["usage"]!["prompt_cache_miss_tokens"]!.GetValue<int>().Should().Be(usageChunk["usage"]!["prompt_tokens"]!.GetValue<int>());
        transcript.Content.Should().Be("one two three four");
    }

    [Fact]
    public async Task Max_tokens_cuts_the_reply_with_finish_reason_length()
    {
        using var response = await PostAsync(_openAi, ChatBodies.User("m", "hi", maxTokens: 2));
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        ApiAssertions.Content(completion).Should().Be("one two ");
        completion["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_stream_is_recorded_as_aborted()
    {
        await using var slow = new FakeUpstreamServer(new FakeUpstreamOptions { Reply = string.Join(' ', Enumerable.Range(0, 200)), TokenDelay = TimeSpan.FromMilliseconds(20) });
        await slow.StartAsync();
        var response = await PostAsync(slow, ChatBodies.Streamed(ChatBodies.User("m", "hi", maxTokens: null), includeUsage: false), completion: HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        await stream.ReadExactlyAsync(new byte[64]);

        response.Dispose();

        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(slow.Received.Single().ClientAborted)))
            .Should().BeTrue();
        slow.Received.Single().Completed.Should().BeFalse();
    }

    [Fact]
    public async Task Invalid_json_is_a_400_in_the_error_shape()
    {
        using var response = await _http.PostAsync(_openAi.BaseUrl + "/v1/chat/completions", new StringContent("{nope", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>().Should().Be("invalid_request_error");
    }

    [Theory]
    [InlineData("--style", "grpc")]
    [InlineData("--delay-ms", "-1")]
    [InlineData("--bogus", "1")]
    [InlineData("--port")]
    public void Bad_console_options_are_rejected_with_a_message(params string[] args)
    {
        var parse = () => FakeUpstreamOptions.Parse(args);

        parse.Should().Throw<ArgumentException>().Which.Message.Should().Contain(args[0]);
    }

    [Fact]
    public void Console_options_are_read()
    {
        var (options, port) = FakeUpstreamOptions.Parse(["--port", "5299", "--tokens-per-second", "50", "--style", "deepseek", "--reply", "hi"]);

        port.Should().Be(5299);
        options.Style.Should().Be(StreamStyle.DeepSeek);
        options.EffectiveTokenDelay.Should().Be(TimeSpan.FromMilliseconds(20));
        options.Reply.Should().Be("hi");
    }

    private async Task<(IReadOnlyList<SseEvent> Events, StreamTranscript Transcript)> StreamAsync(FakeUpstreamServer server, bool includeUsage)
    {
        using var response = await PostAsync(server, ChatBodies.Streamed(ChatBodies.User("m", "hi", maxTokens: null), includeUsage), completion: HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = await SseEvent.ReadAllAsync(response);
        return (events, StreamTranscript.From(events));
    }

    private Task<HttpResponseMessage> PostAsync(FakeUpstreamServer server, JsonObject body, string? apiKey = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return _http.SendAsync(request, completion);
    }
}
