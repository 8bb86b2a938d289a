using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace DeepSeek.Dapr.ServiceDefaults.Sse;

/// <summary>
/// Reads the <c>data</c> of each event of an OpenAI-style SSE stream. Comment lines (<c>: keep-alive</c>) and events
/// without data are skipped, multi-line data is joined (the SSE spec's rules, via <see cref="SseParser"/>), and the
/// stream ends at <c>data: [DONE]</c> even if the connection stays open.
/// </summary>
public static class SseDataReader
{
    public const string DoneMarker = "[DONE]";

    /// <summary>Yields each event's data; <see cref="SseEnd.Done"/> tells whether the stream ended with <c>[DONE]</c>.</summary>
    public static async IAsyncEnumerable<string> ReadAsync(Stream stream, SseEnd? end = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parser = SseParser.Create(stream);
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            if (item.Data.Length == 0)
            {
                continue;
            }

            if (item.Data.AsSpan().Trim().SequenceEqual(DoneMarker))
            {
                end?.MarkDone();
                yield break;
            }

            yield return item.Data;
        }
    }
}

/// <summary>How an SSE stream ended: with the <c>[DONE]</c> marker, or cut off before it.</summary>
public sealed class SseEnd
{
    public bool Done { get; private set; }

    internal void MarkDone() => Done = true;
}
