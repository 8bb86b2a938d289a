using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace Services.Tests.Inference;

/// <summary>Reads a whole SSE body the way a strict client would: every event must be a <c>data:</c> line and a blank line.</summary>
public static class SseEvents
{
    public static async Task<List<string>> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        text.Should().EndWith("\n\n");
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new FormatException($"not a data event: {e}"))
            .ToList();
    }

    public static ChatCompletionChunk Chunk(string data) => JsonSerializer.Deserialize(data, ContractsJsonContext.Default.ChatCompletionChunk)!;

    /// <summary>Checks the platform's stream contract and returns the chunks (without the usage chunk).</summary>
    public static (List<ChatCompletionChunk> Chunks, Usage Usage) AssertContract(List<string> events, string expectedModel)
    {
        events[^1].Should().Be("[DONE]");
        var chunks = events.SkipLast(1).Select(Chunk).ToList();
        chunks.Should().OnlyContain(c => c.Object == "chat.completion.chunk" && c.Model == expectedModel && c.Id == chunks[0].Id);
        chunks[0].Choices.Should().ContainSingle().Which.Delta.Role.Should().Be("assistant");

        var usageChunk = chunks[^1];
        usageChunk.Choices.Should().BeEmpty();
        usageChunk.Usage.Should().NotBeNull();

        var body = chunks.SkipLast(1).ToList();
        body.Should().OnlyContain(c => c.Usage == null && c.Choices.Count == 1);
        var finishes = body.Select((c, i) => (c.Choices[0].FinishReason, i)).Where(x => x.FinishReason != null).ToList();
        finishes.Should().ContainSingle("exactly one chunk carries the finish reason");
        finishes[0].i.Should().Be(body.Count - 1, "the finish chunk comes after every delta");
        return (body, usageChunk.Usage!);
    }

    public static string Content(IEnumerable<ChatCompletionChunk> chunks) => string.Concat(chunks.Select(c => c.Choices[0].Delta.Content));
}
