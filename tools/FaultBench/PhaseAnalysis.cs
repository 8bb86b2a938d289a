using System.Globalization;

namespace FaultBench;

/// <summary>Turns one phase's records into its row: counts, latency, time to recover, usage and the targets. Pure.</summary>
internal static class PhaseAnalysis
{
    public static FaultRow Analyse(FaultSpec fault, IReadOnlyList<RequestRecord> records, PhaseTiming timing, UsageRow usage, TimeSpan? generationTimeout)
    {
        var sent = records.Count;
        long Count(Outcome outcome) => records.LongCount(r => r.Outcome == outcome);
        var failed = Count(Outcome.Failed);
        var degraded = Count(Outcome.Degraded);
        var interrupted = Count(Outcome.Interrupted);
        var shed = Count(Outcome.Shed);
        var latencies = records.Select(r => r.LatencyMs).Order().ToArray();
        var row = new FaultRow(
            Fault: fault.Name,
            AppId: fault.AppId,
            Model: fault.Model,
            Sent: sent,
            Served: Count(Outcome.Served),
            FallbackServed: Count(Outcome.FallbackServed),
            FallbackByKind: records.Where(r => r.Fallback is not null)
                .SelectMany(r => r.Fallback!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .GroupBy(k => k).ToDictionary(g => g.Key, g => g.LongCount()),
            Degraded: degraded,
            Interrupted: interrupted,
            Failed: failed,
            Shed: shed,
            Status500: records.LongCount(r => r.Status == 500),
            BadDegraded: records.LongCount(r => r.BadDegraded),
            FailedPercent: Percent(failed, sent),
            UnservedPercent: Percent(failed + degraded + interrupted + shed, sent),
            PeakInFlight: PeakInFlight(records),
            MaxLatencyMs: latencies.Length == 0 ? 0 : latencies[^1],
            P99LatencyMs: latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(latencies.Length * 0.99) - 1)],
            RecoverySeconds: RecoverySeconds(records, timing),
            RestartSeconds: timing.Healthy - timing.StartIssued,
            Usage: usage,
            Statuses: records.GroupBy(r => r.Status == 0 ? "no reply" : r.Status.ToString(CultureInfo.InvariantCulture))
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount()),
            SampleErrors: records.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(5).ToList(),
            Timing: timing,
            Targets: []);
        return row with { Targets = FaultTargets.Check(fault, row, generationTimeout) };
    }

    /// <summary>
    /// From the restart command to the first request after which every request of the phase was served without a
    /// fallback; 0 when nothing went wrong after the restart was issued, null when the phase ended still unclean.
    /// </summary>
    public static double? RecoverySeconds(IReadOnlyList<RequestRecord> records, PhaseTiming timing)
    {
        var ordered = records.OrderBy(r => r.SentAt).ToList();
        var lastBad = ordered.FindLastIndex(r => r.Outcome != Outcome.Served);
        if (lastBad < 0 || ordered[lastBad].SentAt < timing.StartIssued)
        {
            return 0;
        }

        return lastBad == ordered.Count - 1 ? null : Math.Round(ordered[lastBad + 1].SentAt - timing.StartIssued, 2);
    }

    /// <summary>Most requests open at once (sent, reply not complete): what the router's admission limit has to carry.</summary>
    public static int PeakInFlight(IReadOnlyList<RequestRecord> records)
    {
        // Ends sort before starts at the same instant, so back-to-back requests do not count as overlapping.
        var edges = records.SelectMany(r => new[] { (At: r.SentAt, Step: 1), (At: r.SentAt + (r.LatencyMs / 1000), Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        int open = 0, peak = 0;
        foreach (var edge in edges)
        {
            open += edge.Step;
            peak = Math.Max(peak, open);
        }

        return peak;
    }

    private static double Percent(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 3);
}
