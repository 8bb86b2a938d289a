namespace FaultBench;

/// <summary>When a phase's steps happened, in seconds on the load's clock.</summary>
internal sealed record PhaseTiming(double Start, double StopIssued, double Stopped, double StartIssued, double Healthy, double End, int? Instance);

/// <summary>One target of issue 5 checked against one fault.</summary>
internal sealed record TargetCheck(string Name, bool Met, string Detail);

/// <summary>Usage owed for a phase's requests against what users charged and monitoring counted.</summary>
internal sealed record UsageRow(long Owed, long Uncertain, long? Charged, long? Counted)
{
    public long? ChargedLost => Charged is { } c ? Math.Max(0, Owed - c) : null;
    public long? CountedLost => Counted is { } c ? Math.Max(0, Owed - c) : null;

    /// <summary>More than owed even counting every reply whose usage was uncertain: a double charge.</summary>
    public long? ChargedExtra => Charged is { } c ? Math.Max(0, c - Owed - Uncertain) : null;
    public long? CountedExtra => Counted is { } c ? Math.Max(0, c - Owed - Uncertain) : null;
}

/// <summary>One fault's figures (one row of the report).</summary>
internal sealed record FaultRow(
    string Fault,
    string AppId,
    string Model,
    long Sent,
    long Served,
    long FallbackServed,
    IReadOnlyDictionary<string, long> FallbackByKind,
    long Degraded,
    long Interrupted,
    long Failed,
    long Shed,
    long Status500,
    long BadDegraded,
    double FailedPercent,
    double UnservedPercent,
    int PeakInFlight,
    double MaxLatencyMs,
    double P99LatencyMs,
    double? RecoverySeconds,
    double RestartSeconds,
    UsageRow Usage,
    IReadOnlyDictionary<string, long> Statuses,
    IReadOnlyList<string> SampleErrors,
    PhaseTiming Timing,
    IReadOnlyList<TargetCheck> Targets)
{
    public bool AllMet => Targets.All(t => t.Met);
}
