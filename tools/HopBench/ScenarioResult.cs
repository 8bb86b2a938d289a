using System.Globalization;
using System.Text;

namespace HopBench;

/// <summary>
/// One row of the report. Added latencies are against the direct call under the same load. <see cref="Callers"/> 0
/// means open loop at a fixed rate (named in the scenario).
/// </summary>
internal sealed record ScenarioResult(
    string Scenario,
    int Callers,
    long Requests,
    long Errors,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double? AddedP50Ms,
    double? AddedP99Ms)
{
    /// <summary>daprd's published cost of one service-invocation hop (Dapr performance docs, HTTP, 1 KB payload).</summary>
    public const double DaprdAddedP50Ms = 1.06;
    public const double DaprdAddedP99Ms = 2.90;

    public static ScenarioResult From(string scenario, int callers, Sample sample, ScenarioResult? baseline)
    {
        var (p50, p90, p99) = (sample.PercentileMs(50), sample.PercentileMs(90), sample.PercentileMs(99));
        return new ScenarioResult(scenario, callers, sample.Requests, sample.Errors, Math.Round(sample.RequestsPerSecond),
            Round(p50), Round(p90), Round(p99),
            baseline is null ? null : Round(p50 - baseline.P50Ms),
            baseline is null ? null : Round(p99 - baseline.P99Ms));
    }

    public static string Markdown(IReadOnlyList<ScenarioResult> results, int seconds, string loadBefore, string loadAfter)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Hop benchmark: local-dapr sidecar ({Environment.ProcessorCount} cores, {seconds} s measured, .NET {Environment.Version})");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Load average before / after: {loadBefore} / {loadAfter} (tails such as p99 mean little on a busy machine).");
        md.AppendLine();
        md.AppendLine("| Scenario | Callers | Requests | Errors | RPS | p50 ms | p90 ms | p99 ms | Added p50 ms | Added p99 ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {(r.Callers == 0 ? "open loop" : r.Callers)} | {r.Requests} | {r.Errors} | {r.RequestsPerSecond:0} | {r.P50Ms:0.000} | {r.P90Ms:0.000} | {r.P99Ms:0.000} | {Signed(r.AddedP50Ms)} | {Signed(r.AddedP99Ms)} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"daprd (published): +{DaprdAddedP50Ms:0.00} ms p50 / +{DaprdAddedP99Ms:0.00} ms p99 per invocation hop.");
        foreach (var hop in results.Where(r => r.AddedP50Ms is not null))
        {
            var verdict = hop.AddedP50Ms < DaprdAddedP50Ms && hop.AddedP99Ms < DaprdAddedP99Ms ? "under daprd's figures" : "NOT under daprd's figures";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"local-dapr, {(hop.Callers == 0 ? "fixed rate" : hop.Callers + " caller(s)")}: {Signed(hop.AddedP50Ms)} ms p50 / {Signed(hop.AddedP99Ms)} ms p99 added, {verdict}.");
        }

        return md.ToString();
    }

    private static string Signed(double? value) => value is { } v ? v.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "";

    private static double Round(double value) => Math.Round(value, 3);
}
