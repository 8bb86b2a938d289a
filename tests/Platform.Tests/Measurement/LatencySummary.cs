namespace Platform.Tests.Measurement;

/// <summary>Percentiles and throughput of one load phase.</summary>
public sealed record LatencySummary(int Clients, int Requests, TimeSpan Elapsed, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public static LatencySummary From(int clients, IReadOnlyCollection<double> latenciesMs, TimeSpan elapsed)
    {
        var sorted = latenciesMs.Order().ToArray();
        return new LatencySummary(clients, sorted.Length, elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
