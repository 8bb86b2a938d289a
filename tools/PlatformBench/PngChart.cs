using ScottPlot;

namespace PlatformBench;

/// <summary>
/// The PNG chart: RPS per scenario, one bar per target, on a log10 axis (targets differ by orders of magnitude).
/// ScottPlot renders through SkiaSharp, whose Linux native assets (NoDependencies) come with the package, so this
/// works headless.
/// </summary>
internal static class PngChart
{
    public static void Save(BenchReport report, string path)
    {
        var plot = new Plot();
        var scenarios = report.Results.Select(r => r.Scenario).Distinct().ToList();
        var targets = Target.Colours.Keys.Where(t => report.Results.Any(r => r.Target == t)).ToList();
        var bars = new List<Bar>();
        foreach (var row in report.Results.Where(r => r.Rps > 0))
        {
            var position = scenarios.IndexOf(row.Scenario) + (targets.IndexOf(row.Target) * 0.17) - 0.34;
            bars.Add(new Bar
            {
                Position = position,
                Value = Math.Log10(Math.Max(1, row.Rps)),
                Size = 0.15,
                FillColor = Color.FromHex(Target.Colours[row.Target]),
                Label = row.Target,
            });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. scenarios.Select((_, i) => (double)i)], [.. scenarios.Select(s => s.Split(',')[0] + (s.Contains("c=32", StringComparison.Ordinal) ? " c=32" : s.Contains("c=1", StringComparison.Ordinal) ? " c=1" : ""))]);
        plot.Axes.Left.Label.Text = "log10(requests per second)";
        plot.Title($"RPS by scenario and target (load average {report.LoadAverageBefore} / {report.LoadAverageAfter})");
        plot.SavePng(path, 1100, 550);
    }
}
