using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>
/// A complete reply (from the cache) as the stream a backend would have sent: role, reasoning, content, finish, usage.
/// It goes through the same relay as a live stream, so both obey the same rules.
/// </summary>
public static class CompletionReplay
{
    public static async IAsyncEnumerable<ChatStreamEvent> ToEvents(ChatCompletion completion)
    {
        foreach (var chunk in ToChunks(completion))
        {
            yield return new ChatStreamEvent(JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk), chunk, null);
        }

        await Task.CompletedTask;
    }

    public static IEnumerable<ChatCompletionChunk> ToChunks(ChatCompletion completion)
    {
        var choice = completion.Choices.FirstOrDefault();
        yield return Chunk(completion, new ChunkDelta { Role = "assistant", Content = string.Empty });
        if (choice?.Message.ReasoningContent is { Length: > 0 } reasoning)
        {
            yield return Chunk(completion, new ChunkDelta { ReasoningContent = reasoning });
        }

        if (choice?.Message.Content is { Length: > 0 } content)
        {
            yield return Chunk(completion, new ChunkDelta { Content = content });
        }

        var last = Chunk(completion, new ChunkDelta());
        last.Choices[0].FinishReason = choice?.FinishReason ?? "stop";
        yield return last;

        if (completion.Usage is { } usage)
        {
            yield return new ChatCompletionChunk
            {
                Id = completion.Id,
                Created = completion.Created,
                Model = completion.Model,
                SystemFingerprint = completion.SystemFingerprint,
                Choices = [],
                Usage = usage,
            };
        }
    }

    private static ChatCompletionChunk Chunk(ChatCompletion completion, ChunkDelta delta) => new()
    {
        Id = completion.Id,
        Created = completion.Created,
        Model = completion.Model,
        SystemFingerprint = completion.SystemFingerprint,
        Choices = [new ChunkChoice { Index = 0, Delta = delta }],
    };
}
