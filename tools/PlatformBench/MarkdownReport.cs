using System.Globalization;
using System.Text;

namespace PlatformBench;

/// <summary>The run as Markdown: machine and load, one table of every target and scenario, then memory per process.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Platform benchmark ({report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.MeasuredSeconds} s measured{(report.Quick ? ", quick" : "")})"));
        md.AppendLine();
        md.AppendLine(Inv($"Machine: {report.Machine}. Load average (1 min) before / after: {report.LoadAverageBefore} / {report.LoadAverageAfter}."));
        md.AppendLine();
        md.AppendLine("| Scenario | Target | Conc. | Requests | Errors | RPS | p50 ms | p99 ms | +p50 vs direct | +p99 vs direct | RPS × direct | RPS × Portkey | mean gap ms | p99 gap ms |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Results)
        {
            md.AppendLine(Inv($"| {r.Scenario} | {r.Target} | {r.Concurrency} | {r.Requests} | {r.Errors} | {r.Rps:0.#} | {r.P50Ms:0.000} | {r.P99Ms:0.000} | {Signed(r.AddedP50Ms)} | {Signed(r.AddedP99Ms)} | {Ratio(r.RpsVsDirect)} | {Ratio(r.RpsVsPortkey)} | {Num(r.MeanGapMs)} | {Num(r.P99GapMs)} |"));
        }

        md.AppendLine();
        md.AppendLine("| Target | Total RSS MiB | Processes (RSS MiB) |");
        md.AppendLine("|---|---:|---|");
        foreach (var m in report.Memory)
        {
            md.AppendLine(Inv($"| {m.Target} | {m.TotalRssMiB:0.0} | {string.Join(", ", m.Processes.Select(p => Inv($"{p.Name} {Num(p.RssMiB)}")))} |"));
        }

        RenderCpu(md, report.Cpu);

        if (report.Notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine($"- {note}");
            }
        }

        return md.ToString();
    }

    /// <summary>CPU µs per request by target and scenario, the platform's split per process (largest first).</summary>
    private static void RenderCpu(StringBuilder md, IReadOnlyList<CpuShare> cpu)
    {
        if (cpu.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("| Scenario | Target | CPU µs / request | Per process (µs / request) |");
        md.AppendLine("|---|---|---:|---|");
        foreach (var group in cpu.GroupBy(c => (c.Scenario, c.Target)))
        {
            var parts = group.OrderByDescending(c => c.MicrosPerRequest).Select(c => Inv($"{c.Process} {Num(c.MicrosPerRequest)}"));
            md.AppendLine(Inv($"| {group.Key.Scenario} | {group.Key.Target} | {Num(group.Sum(c => c.MicrosPerRequest))} | {string.Join(", ", parts)} |"));
        }
    }

    private static string Signed(double? value) => value is { } v ? v.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "";

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "";

    private static string Num(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("0.0##", CultureInfo.InvariantCulture) : "";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
