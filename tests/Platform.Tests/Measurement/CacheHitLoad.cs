using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Measurement;

/// <summary>
/// A closed-loop load: <c>clients</c> callers send the same cached request back to back for a fixed time, through
/// the full public path (router → gateway-ai → auth, users, cache). Bounded in time; loopback only.
/// </summary>
public sealed class CacheHitLoad(PlatformFixture platform, JsonObject body)
{
    private readonly ConcurrentQueue<string> _failures = new();

    public int Failures => _failures.Count;

    public IReadOnlyCollection<string> FailureSamples => [.. _failures.Take(5)];

    public async Task<LatencySummary> RunAsync(int clients, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await platform.PostChatAsync(body);
                var text = await response.Content.ReadAsStringAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK || !IsHit(response))
                {
                    _failures.Enqueue($"{(int)response.StatusCode} X-Cache={string.Join(',', response.Headers.TryGetValues("X-Cache", out var v) ? v : [])} {text[..Math.Min(text.Length, 200)]}");
                }
            }
        }));
        await Task.WhenAll(workers);
        return LatencySummary.From(clients, latencies, clock.Elapsed);
    }

    private static bool IsHit(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) && values.Contains("HIT");
}
