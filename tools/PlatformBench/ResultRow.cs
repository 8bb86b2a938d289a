namespace PlatformBench;

/// <summary>
/// One target in one scenario. Latencies in ms; for the streaming scenario p50/p99 are of the time to first token and
/// the gap columns are filled. Ratios are RPS against direct and against Portkey in the same scenario.
/// </summary>
internal sealed record ResultRow(
    string Scenario,
    string Target,
    int Concurrency,
    long Requests,
    long Errors,
    double Rps,
    double P50Ms,
    double P99Ms,
    double? AddedP50Ms,
    double? AddedP99Ms,
    double? RpsVsDirect,
    double? RpsVsPortkey,
    double? MeanGapMs = null,
    double? P99GapMs = null);

/// <summary>The memory of one target's processes after the load.</summary>
internal sealed record TargetMemory(string Target, double TotalRssMiB, IReadOnlyList<ProcessMemory> Processes);

/// <summary>Everything one run produced (the JSON file).</summary>
internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    int MeasuredSeconds,
    bool Quick,
    string Machine,
    string LoadAverageBefore,
    string LoadAverageAfter,
    IReadOnlyList<ResultRow> Results,
    IReadOnlyList<TargetMemory> Memory,
    IReadOnlyList<CpuShare> Cpu,
    IReadOnlyList<string> Notes);
