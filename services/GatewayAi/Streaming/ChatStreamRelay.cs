using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>
/// Relays a chat completion stream to the client, event by event, flushing each one:
/// <list type="bullet">
/// <item>content chunks are passed on byte for byte;</item>
/// <item>a usage-only chunk (empty choices) is passed on only when the client asked for <c>stream_options.include_usage</c>,
/// with the prompt split into cache hit/miss tokens; usage riding on a content chunk is removed when not asked for;</item>
/// <item>an in-band error event from the source is passed on, followed by <c>data: [DONE]</c>;</item>
/// <item>a source that breaks off (connection lost, no <c>[DONE]</c>, unreadable event) gets an error event of its own
/// and <c>data: [DONE]</c>, so the client never sees a silent cut;</item>
/// <item>every stream the client receives ends with exactly one <c>data: [DONE]</c>.</item>
/// </list>
/// Cancellation (the client went away) is not an error: it propagates so the caller stops the source.
/// </summary>
public static class ChatStreamRelay
{
    public static readonly ErrorResponse Interrupted = ErrorResponse.Create(
        "The model backend stopped before the reply was complete. Retry the request.", ErrorTypes.Unavailable, "stream_interrupted");

    /// <param name="source">Events of the stream, in order.</param>
    /// <param name="end">How a network source ended; null for a source that is complete by construction (a cache replay).</param>
    /// <param name="onFirstEvent">Called once, when the first event arrives (stops the keep-alive comments).</param>
    public static async Task<RelayOutcome> RelayAsync(
        IAsyncEnumerable<ChatStreamEvent> source,
        SseEventWriter writer,
        StreamAssembler assembler,
        RelaySettings settings,
        SseEnd? end,
        Action? onFirstEvent,
        CancellationToken cancellationToken)
    {
        var first = true;
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken))
            {
                if (first)
                {
                    first = false;
                    onFirstEvent?.Invoke();
                }

                if (item.Error is { } error)
                {
                    return await FailAsync(writer, error, item.Data, cancellationToken);
                }

                await RelayChunkAsync(item, writer, assembler, settings, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(writer, Interrupted, null, cancellationToken);
        }

        if (end is { Done: false })
        {
            return await FailAsync(writer, Interrupted, null, cancellationToken);
        }

        await writer.WriteDoneAsync(cancellationToken);
        return new RelayOutcome(true, null);
    }

    private static async Task RelayChunkAsync(ChatStreamEvent item, SseEventWriter writer, StreamAssembler assembler, RelaySettings settings, CancellationToken cancellationToken)
    {
        var chunk = item.Chunk!;
        assembler.Add(chunk);
        if (chunk.Usage is not { } usage)
        {
            await writer.WriteDataAsync(item.Data, cancellationToken);
            return;
        }

        CompletionShaping.SplitPromptCache(usage, settings.CacheHit);
        if (!settings.IncludeUsage)
        {
            if (chunk.Choices.Count == 0)
            {
                return;
            }

            chunk.Usage = null;
        }

        await writer.WriteJsonAsync(chunk, ContractsJsonContext.Default.ChatCompletionChunk, cancellationToken);
    }

    private static async Task<RelayOutcome> FailAsync(SseEventWriter writer, ErrorResponse error, string? rawData, CancellationToken cancellationToken)
    {
        if (rawData is not null)
        {
            await writer.WriteDataAsync(rawData, cancellationToken);
        }
        else
        {
            await writer.WriteJsonAsync(error, ContractsJsonContext.Default.ErrorResponse, cancellationToken);
        }

        await writer.WriteDoneAsync(cancellationToken);
        return new RelayOutcome(false, error);
    }
}

/// <summary>What the client asked for (<c>include_usage</c>) and where the answer comes from (cache or backend).</summary>
public sealed record RelaySettings(bool IncludeUsage, bool CacheHit);

/// <summary><see cref="Completed"/> when the source ended cleanly with <c>[DONE]</c>; otherwise the error sent to the client.</summary>
public sealed record RelayOutcome(bool Completed, ErrorResponse? Error);
