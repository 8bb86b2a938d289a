using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.ServiceDefaults.Sse;

/// <summary>
/// One parsed event of a chat completion stream: a chunk, or an in-band error (<c>data: {"error":{...}}</c>), which
/// OpenAI-compatible servers send when generation fails after the 200 status line has gone out.
/// </summary>
public sealed record ChatStreamEvent(string Data, ChatCompletionChunk? Chunk, ErrorResponse? Error)
{
    /// <summary>Parses an event's data; throws <see cref="JsonException"/> when it is neither a chunk nor an error.</summary>
    public static ChatStreamEvent Parse(string data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("SSE event data is not a JSON object");
        }

        if (root.TryGetProperty("error", out _))
        {
            return new ChatStreamEvent(data, null, root.Deserialize(ContractsJsonContext.Default.ErrorResponse));
        }

        return new ChatStreamEvent(data, root.Deserialize(ContractsJsonContext.Default.ChatCompletionChunk), null);
    }

    /// <summary>Reads a whole stream of chat completion events until <c>[DONE]</c> or the end of the body.</summary>
    public static async IAsyncEnumerable<ChatStreamEvent> ReadAllAsync(
        Stream stream,
        SseEnd? end = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var data in SseDataReader.ReadAsync(stream, end, cancellationToken))
        {
            yield return Parse(data);
        }
    }
}
