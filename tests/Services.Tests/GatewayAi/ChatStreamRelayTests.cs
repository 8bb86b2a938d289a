using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Streaming;
using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace Services.Tests.GatewayAi;

/// <summary>The relay between inference's SSE stream and the client's, fed with real SSE text and writing real SSE bytes.</summary>
public sealed class ChatStreamRelayTests
{
    private static readonly string Role = Chunk("""{"role":"assistant","content":""}""");
    private static readonly string Hello = Chunk("""{"content":"Hel"}""");
    private static readonly string Lo = Chunk("""{"content":"lo"}""");
    private static readonly string Finish = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""";
    private static readonly string UsageOnly = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""";

    [Fact]
    public async Task Usage_chunk_is_dropped_unless_include_usage()
    {
        var (events, outcome, assembler) = await RelayAsync(Sse(Role, Hello, Lo, Finish, UsageOnly) + "data: [DONE]\n\n", includeUsage: false);

        outcome.Completed.Should().BeTrue();
        events.Should().Equal(Role, Hello, Lo, Finish, "[DONE]");
        assembler.Usage!.PromptTokens.Should().Be(7, "the gateway still bills with it");
    }

    [Fact]
    public async Task Usage_chunk_is_kept_with_include_usage_and_the_prompt_counted_as_cache_miss()
    {
        var (events, _, _) = await RelayAsync(Sse(Role, Hello, Finish, UsageOnly) + "data: [DONE]\n\n", includeUsage: true);

        events.Should().HaveCount(5);
        events[^1].Should().Be("[DONE]");
        var usage = JsonSerializer.Deserialize(events[^2], ContractsJsonContext.Default.ChatCompletionChunk)!;
        usage.Choices.Should().BeEmpty();
        usage.Usage!.PromptCacheMissTokens.Should().Be(7);
        usage.Usage.PromptCacheHitTokens.Should().Be(0);
    }

    [Fact]
    public async Task Usage_on_a_content_chunk_is_stripped_when_not_asked_for()
    {
        var deepSeekStyleLast = """{"id":"chatcmpl-1","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

        var (events, _, assembler) = await RelayAsync(Sse(Hello, deepSeekStyleLast) + "data: [DONE]\n\n", includeUsage: false);

        events.Should().HaveCount(3);
        events[1].Should().NotContain("usage").And.Contain("\"finish_reason\":\"stop\"");
        assembler.Usage!.CompletionTokens.Should().Be(1);
    }

    [Fact]
    public async Task Comments_in_the_source_are_not_relayed_and_done_is_sent_once()
    {
        var (events, outcome, _) = await RelayAsync(": keep-alive\n\n" + Sse(Hello) + ": ping\n\ndata: [DONE]\n\n", includeUsage: false);

        outcome.Completed.Should().BeTrue();
        events.Should().Equal(Hello, "[DONE]");
    }

    [Fact]
    public async Task Error_event_from_the_source_is_passed_on_and_followed_by_done()
    {
        var error = """{"error":{"message":"upstream failed","type":"server_error","code":"upstream_error"}}""";

        var (events, outcome, _) = await RelayAsync(Sse(Role, Hello, error, Lo) + "data: [DONE]\n\n", includeUsage: false);

        outcome.Completed.Should().BeFalse();
        outcome.Error!.Error.Code.Should().Be("upstream_error");
        events.Should().Equal(Role, Hello, error, "[DONE]");
    }

    [Fact]
    public async Task A_source_cut_off_before_done_ends_with_an_error_event_and_done()
    {
        var (events, outcome, assembler) = await RelayAsync(Sse(Role, Hello), includeUsage: false);

        outcome.Completed.Should().BeFalse();
        events.Should().HaveCount(4);
        events[2].Should().Contain("\"code\":\"stream_interrupted\"").And.Contain("\"type\":\"service_unavailable\"");
        events[3].Should().Be("[DONE]");
        assembler.ToCompletion()!.Choices[0].Message.Content.Should().Be("Hel");
    }

    [Fact]
    public async Task An_unreadable_event_ends_the_stream_with_an_error_event()
    {
        var (events, outcome, _) = await RelayAsync(Sse(Hello, "{not json") + "data: [DONE]\n\n", includeUsage: false);

        outcome.Completed.Should().BeFalse();
        events.Should().HaveCount(3);
        events[1].Should().Contain("stream_interrupted");
    }

    [Fact]
    public async Task Assembled_completion_joins_the_deltas()
    {
        var reasoning = Chunk("""{"reasoning_content":"think"}""");
        var (_, _, assembler) = await RelayAsync(Sse(Role, reasoning, Hello, Lo, Finish, UsageOnly) + "data: [DONE]\n\n", includeUsage: false);

        var completion = assembler.ToCompletion()!;
        completion.Id.Should().Be("chatcmpl-1");
        completion.Choices[0].Message.Content.Should().Be("Hello");
        completion.Choices[0].Message.ReasoningContent.Should().Be("think");
        completion.Choices[0].FinishReason.Should().Be("stop");
        completion.Usage!.TotalTokens.Should().Be(9);
    }

    [Fact]
    public async Task Cached_completion_replays_as_chunks_with_usage_counted_as_cache_hit()
    {
        var cached = new ChatCompletion
        {
            Id = "chatcmpl-c",
            Model = "m",
            Choices = [new ChatChoice { Message = new AssistantMessage { Content = "cached answer", ReasoningContent = "r" }, FinishReason = "length" }],
            Usage = new Usage { PromptTokens = 5, CompletionTokens = 2 },
        };
        using var output = new MemoryStream();
        var assembler = new StreamAssembler();

        var outcome = await ChatStreamRelay.RelayAsync(
            CompletionReplay.ToEvents(cached), new SseEventWriter(output), assembler, new RelaySettings(true, CacheHit: true), null, null, CancellationToken.None);

        outcome.Completed.Should().BeTrue();
        var events = await ReadEventsAsync(output);
        events.Should().HaveCount(6);
        events[0].Should().Contain("\"role\":\"assistant\"");
        events[^1].Should().Be("[DONE]");
        var usage = JsonSerializer.Deserialize(events[^2], ContractsJsonContext.Default.ChatCompletionChunk)!.Usage!;
        usage.PromptCacheHitTokens.Should().Be(5);
        usage.PromptCacheMissTokens.Should().Be(0);
        var replayed = assembler.ToCompletion()!;
        replayed.Choices[0].Message.Content.Should().Be("cached answer");
        replayed.Choices[0].Message.ReasoningContent.Should().Be("r");
        replayed.Choices[0].FinishReason.Should().Be("length");
    }

    private static string Chunk(string delta) =>
        $$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{{delta}}}]}""";

    private static string Sse(params string[] data) => string.Concat(data.Select(d => $"data: {d}\n\n"));

    private static async Task<(List<string> Events, RelayOutcome Outcome, StreamAssembler Assembler)> RelayAsync(string sourceText, bool includeUsage)
    {
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(sourceText));
        using var output = new MemoryStream();
        var end = new SseEnd();
        var assembler = new StreamAssembler();

        var outcome = await ChatStreamRelay.RelayAsync(
            ChatStreamEvent.ReadAllAsync(source, end), new SseEventWriter(output), assembler, new RelaySettings(includeUsage, CacheHit: false), end, null, CancellationToken.None);

        return (await ReadEventsAsync(output), outcome, assembler);
    }

    /// <summary>The relay's output, split the way a client splits it; also checks every event is well-formed SSE.</summary>
    private static Task<List<string>> ReadEventsAsync(MemoryStream output)
    {
        var text = Encoding.UTF8.GetString(output.ToArray());
        text.Should().EndWith("\n\n");
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        events.Should().OnlyContain(e => e.StartsWith("data: ", StringComparison.Ordinal));
        return Task.FromResult(events.Select(e => e["data: ".Length..]).ToList());
    }
}
