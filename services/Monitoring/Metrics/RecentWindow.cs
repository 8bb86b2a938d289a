using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>One answered request as the sliding window keeps it.</summary>
public readonly record struct UsageSample(DateTimeOffset At, string UserId, string Model, double LatencyMs, bool CacheHit)
{
    public static UsageSample From(UsageRecorded usage) => new(usage.OccurredAt, usage.UserId, usage.Model, usage.LatencyMs, usage.CacheHit);
}

/// <summary>Rates over the last <see cref="Length"/>, in memory (lost on restart: a window is about "now" anyway).</summary>
public sealed class RecentWindow(TimeSpan length, int maxSamples = RecentWindow.DefaultMaxSamples)
{
    public const int DefaultMaxSamples = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<UsageSample> _samples = new();

    public TimeSpan Length { get; } = length;

    public void Add(UsageSample sample)
    {
        lock (_gate)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > maxSamples)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Samples that occurred within the window ending at <paramref name="now"/>; older ones are forgotten.</summary>
    public IReadOnlyList<UsageSample> Snapshot(DateTimeOffset now)
    {
        var since = now - Length;
        lock (_gate)
        {
            // Samples arrive roughly in time order; a late, old event is filtered below rather than reordered.
            while (_samples.TryPeek(out var oldest) && oldest.At < since)
            {
                _samples.Dequeue();
            }

            return _samples.Where(s => s.At >= since && s.At <= now).ToList();
        }
    }

    /// <summary>Nearest-rank percentile (the smallest value with at least p% of samples at or below it).</summary>
    public static double? Percentile(IEnumerable<double> values, double percent)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
