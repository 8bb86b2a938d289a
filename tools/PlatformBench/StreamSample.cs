using System.Diagnostics;
using HdrHistogram;

namespace PlatformBench;

/// <summary>
/// Streams measured token by token: time to the first content chunk and every gap between content chunks, in
/// microseconds, from the moment the request is sent. Comment lines (keep-alives) and the usage chunk are not tokens.
/// </summary>
internal sealed class StreamSample
{
    private readonly object _gate = new();

    public LongHistogram FirstToken { get; } = new(60_000_000, 3);
    public LongHistogram Gap { get; } = new(60_000_000, 3);
    public long Streams { get; private set; }
    public long Errors { get; private set; }
    public long Tokens { get; private set; }

    public async Task RunAsync(HttpClient http, ChatEndpoint endpoint, int callers, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await OneAsync(http, endpoint);
            }
        })));
    }

    private async Task OneAsync(HttpClient http, ChatEndpoint endpoint)
    {
        var first = new LongHistogram(60_000_000, 3);
        var gaps = new LongHistogram(60_000_000, 3);
        long tokens = 0;
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(ChatRequests.Stream(endpoint), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var previous = 0L;
            var done = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: [DONE]", StringComparison.Ordinal))
                {
                    done = true;
                    break;
                }

                if (!line.StartsWith("data:", StringComparison.Ordinal) || !line.Contains("\"content\":\"", StringComparison.Ordinal))
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(previous == 0 ? sent : previous, now).TotalMicroseconds);
                (previous == 0 ? first : gaps).RecordValue(micros);
                previous = now;
                tokens++;
            }

            if (!done || tokens == 0)
            {
                throw new InvalidDataException($"the stream ended after {tokens} content chunks without data: [DONE]");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or TaskCanceledException)
        {
            lock (_gate)
            {
                Errors++;
            }

            return;
        }

        lock (_gate)
        {
            FirstToken.Add(first);
            Gap.Add(gaps);
            Tokens += tokens;
            Streams++;
        }
    }
}
