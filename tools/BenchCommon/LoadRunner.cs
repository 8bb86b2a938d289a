using System.Diagnostics;
using HdrHistogram;

namespace BenchCommon;

/// <summary>Accumulated measurements of one scenario over all its rounds.</summary>
public sealed class Sample
{
    /// <summary>Latencies in microseconds (1 µs to 60 s, 3 significant digits).</summary>
    public LongHistogram Latency { get; } = new(60_000_000, 3);
    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    public double PercentileMs(double percentile) => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(percentile) / 1000.0;

    public void Add(LongHistogram histogram, long requests, long errors, TimeSpan elapsed)
    {
        Latency.Add(histogram);
        Requests += requests;
        Errors += errors;
        Elapsed += elapsed;
    }
}

/// <summary>
/// Closed-loop load: <c>callers</c> workers each send one request, wait for the full reply, and go again, for a fixed
/// time. Every latency is recorded (per-worker histograms, merged at the end, so recording never contends).
/// </summary>
public static class LoadRunner
{
    public static async Task RunAsync(Func<CancellationToken, Task> call, int callers, TimeSpan duration, Sample? into)
    {
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(() => WorkerAsync(call, stop.Token))).ToArray();
        var results = await Task.WhenAll(workers);
        clock.Stop();
        if (into is null)
        {
            return;
        }

        var merged = new LongHistogram(60_000_000, 3);
        foreach (var result in results)
        {
            merged.Add(result.Histogram);
        }

        into.Add(merged, results.Sum(r => r.Requests), results.Sum(r => r.Errors), clock.Elapsed);
    }

    /// <summary>
    /// Open loop: requests start on a fixed schedule (<paramref name="rate"/> per second) whether or not earlier ones
    /// finished, as a fixed-rate figure such as daprd's published one is measured. Latency counts from the moment a
    /// request is sent: the dispatcher wakes about once a millisecond, and on a busy machine its own lateness would
    /// otherwise swamp the hop being measured.
    /// </summary>
    public static async Task RunAtRateAsync(Func<CancellationToken, Task> call, int rate, TimeSpan duration, Sample? into)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new long[total];
        var failed = 0;
        var start = Stopwatch.GetTimestamp();
        await OpenLoop.RunAsync(rate, total, async index =>
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                await call(CancellationToken.None);
                latencies[index] = Math.Max(1, (long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref failed);
            }
        });

        var elapsed = Stopwatch.GetElapsedTime(start);
        if (into is null)
        {
            return;
        }

        var histogram = new LongHistogram(60_000_000, 3);
        foreach (var latency in latencies.Where(l => l > 0))
        {
            histogram.RecordValue(latency);
        }

        into.Add(histogram, histogram.TotalCount, failed, elapsed);
    }

    private static async Task<(LongHistogram Histogram, long Requests, long Errors)> WorkerAsync(Func<CancellationToken, Task> call, CancellationToken stop)
    {
        var histogram = new LongHistogram(60_000_000, 3);
        long requests = 0;
        long errors = 0;
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await call(CancellationToken.None);
                histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds));
                requests++;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any failed call (HTTP, Dapr, a reply the caller rejects) is an error of the target, counted, not fatal.
                errors++;
            }
        }

        return (histogram, requests, errors);
    }
}
