using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Platform.Tests.Infrastructure;

/// <summary>One server-sent event: a <c>data:</c> payload, or a comment line (<c>: keep-alive</c>).</summary>
public sealed record SseEvent(string? Data, string? Comment)
{
    public bool IsDone => Data == "[DONE]";

    public JsonNode Json => JsonNode.Parse(Data ?? throw new InvalidOperationException("a comment has no JSON"))!;

    /// <summary>Reads events as they arrive (one <c>data:</c> line per event, as the OpenAI wire format uses).</summary>
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                yield return new SseEvent(line["data:".Length..].TrimStart(), null);
            }
            else if (line.StartsWith(':'))
            {
                yield return new SseEvent(null, line[1..].Trim());
            }
        }
    }

    public static async Task<IReadOnlyList<SseEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<SseEvent>();
        await foreach (var e in ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            events.Add(e);
        }

        return events;
    }
}
