using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests;

/// <summary>Streamed chat: OpenAI's <c>chat.completion.chunk</c> SSE events end to end.</summary>
[Collection(PlatformCollection.Name)]
public sealed class StreamingTests(PlatformFixture platform)
{
    [Fact]
    public async Task Streamed_chat_sends_role_first_finish_reason_last_then_usage_and_done()
    {
        var body = ChatBodies.Streamed(ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("What does the router do?"), maxTokens: 40), includeUsage: true);

        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/event-stream");
        var events = await SseEvent.ReadAllAsync(response);

        var transcript = StreamTranscript.From(events);
        transcript.Chunks.Should().OnlyContain(c => c["object"]!.GetValue<string>() == "chat.completion.chunk");
        transcript.Chunks.Select(c => c["id"]!.GetValue<string>()).Distinct().Should().ContainSingle("all chunks belong to one completion");
        transcript.Chunks.Should().OnlyContain(c => c["model"]!.GetValue<string>() == "deepseek-chat");
        transcript.ChoiceChunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>().Should().Be("assistant");
        transcript.Content.Should().NotBeNullOrWhiteSpace();

        transcript.FinishReasons.Should().ContainSingle("only the last choice chunk carries finish_reason");
        transcript.ChoiceChunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().BeOneOf("stop", "length");

        var usageChunk = transcript.UsageChunks.Should().ContainSingle("include_usage asks for one usage chunk").Subject;
        usageChunk["choices"]!.AsArray().Should().BeEmpty("OpenAI style: the usage chunk has no choices");
        transcript.Chunks[^1].Should().BeSameAs(usageChunk, "the usage chunk comes after the finish chunk");
        ApiAssertions.ShouldBeConsistentUsage(usageChunk["usage"]);
        usageChunk["usage"]!["completion_tokens"]!.GetValue<int>().Should().BeInRange(1, 40);

        transcript.EndsWithDone.Should().BeTrue("the stream ends with data: [DONE]");
    }

    [Fact]
    public async Task Streamed_chat_without_include_usage_sends_no_usage_chunk()
    {
        var body = ChatBodies.Streamed(ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Name the apps."), maxTokens: 24), includeUsage: false);

        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var transcript = StreamTranscript.From(await SseEvent.ReadAllAsync(response));

        transcript.UsageChunks.Should().BeEmpty();
        transcript.Chunks.Should().OnlyContain(c => c["choices"]!.AsArray().Count == 1);
        transcript.Content.Should().NotBeNullOrWhiteSpace();
        transcript.EndsWithDone.Should().BeTrue();
    }

    [Fact]
    public async Task Streamed_deepseek_reasoner_streams_reasoning_content()
    {
        var body = ChatBodies.Streamed(ChatBodies.User("deepseek-reasoner", ChatBodies.FreshQuestion("Why stream tokens?"), maxTokens: 48), includeUsage: true);

        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var transcript = StreamTranscript.From(await SseEvent.ReadAllAsync(response));

        transcript.ReasoningContent.Should().NotBeNullOrWhiteSpace();
        transcript.EndsWithDone.Should().BeTrue();
    }
}

/// <summary>The parsed events of one streamed completion.</summary>
public sealed record StreamTranscript(IReadOnlyList<JsonNode> Chunks, bool EndsWithDone)
{
    public IReadOnlyList<JsonNode> ChoiceChunks => Chunks.Where(c => c["choices"]!.AsArray().Count > 0).ToList();

    public IReadOnlyList<JsonNode> UsageChunks => Chunks.Where(c => c["usage"] is JsonObject).ToList();

    public IReadOnlyList<string> FinishReasons =>
        ChoiceChunks.Select(c => c["choices"]![0]!["finish_reason"]).OfType<JsonValue>().Select(v => v.GetValue<string>()).ToList();

    public string Content => DeltaText("content");

    public string ReasoningContent => DeltaText("reasoning_content");

    public static StreamTranscript From(IReadOnlyList<SseEvent> events)
    {
        var data = events.Where(e => e.Data is not null).ToList();
        data.Should().NotBeEmpty("a stream has events");
        var done = data[^1].IsDone;
        data.Count(e => e.IsDone).Should().BeLessThanOrEqualTo(1, "[DONE] is sent once");
        return new StreamTranscript(data.Where(e => !e.IsDone).Select(e => e.Json).ToList(), done);
    }

    private string DeltaText(string field) => string.Concat(ChoiceChunks
        .Select(c => c["choices"]![0]!["delta"]?[field])
        .OfType<JsonValue>()
        .Select(v => v.GetValue<string>()));
}
