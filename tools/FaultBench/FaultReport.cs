namespace FaultBench;

/// <summary>Requests sent in one second of the run, by how they ended (the chart's data).</summary>
internal sealed record TimelinePoint(int Second, int Sent, int Served, int FallbackServed, int Degraded, int Failed, int Shed);

/// <summary>Everything one run produced (results.json).</summary>
internal sealed record FaultReport(
    DateTimeOffset StartedAt,
    string Machine,
    string LoadAverageBefore,
    string LoadAverageAfter,
    int Rate,
    bool Short,
    double LeadInSeconds,
    double DownSeconds,
    double AfterSeconds,
    int Keys,
    int GatewayAiInstances,
    double? GenerationTimeoutSeconds,
    double SettleSeconds,
    long WarmUpSent,
    long WarmUpServed,
    IReadOnlyList<FaultRow> Faults,
    IReadOnlyList<TimelinePoint> Timeline,
    IReadOnlyList<string> Notes)
{
    public bool AllTargetsMet => Faults.All(f => f.AllMet);

    public static IReadOnlyList<TimelinePoint> TimelineOf(IEnumerable<RequestRecord> records) =>
        records.GroupBy(r => (int)r.SentAt).OrderBy(g => g.Key).Select(g => new TimelinePoint(
            g.Key,
            g.Count(),
            g.Count(r => r.Outcome == Outcome.Served),
            g.Count(r => r.Outcome == Outcome.FallbackServed),
            g.Count(r => r.Outcome == Outcome.Degraded),
            g.Count(r => r.Outcome is Outcome.Failed or Outcome.Interrupted),
            g.Count(r => r.Outcome == Outcome.Shed))).ToList();
}
