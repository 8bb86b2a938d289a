using ScottPlot;

namespace FaultBench;

/// <summary>
/// Requests per second over the run by how they ended, with each fault's window (stop command to healthy again)
/// shaded and named. ScottPlot renders through SkiaSharp's bundled Linux assets, so this works headless.
/// </summary>
internal static class TimelineChart
{
    public static void Save(FaultReport report, string path)
    {
        var plot = new Plot();
        for (var i = 0; i < report.Faults.Count; i++)
        {
            var fault = report.Faults[i];
            var span = plot.Add.HorizontalSpan(fault.Timing.StopIssued, fault.Timing.Healthy);
            span.FillStyle.Color = Color.FromHex("#f4a261").WithAlpha(0.25);
            span.LineStyle.Width = 0;
            // Names alternate between two heights so neighbouring short windows do not overwrite each other.
            var label = plot.Add.Text(fault.Fault, fault.Timing.StopIssued, report.Rate * (i % 2 == 0 ? 1.27 : 1.19));
            label.LabelFontSize = 11;
        }

        double[] seconds = [.. report.Timeline.Select(p => (double)p.Second)];
        Line(plot, seconds, report.Timeline.Select(p => p.Sent), "sent", "#6c757d");
        Line(plot, seconds, report.Timeline.Select(p => p.Served), "served", "#2f6fd6");
        Line(plot, seconds, report.Timeline.Select(p => p.FallbackServed), "served with fallback", "#3a9d5d");
        Line(plot, seconds, report.Timeline.Select(p => p.Degraded), "degraded 503", "#e07b39");
        Line(plot, seconds, report.Timeline.Select(p => p.Failed), "failed", "#d62828");
        Line(plot, seconds, report.Timeline.Select(p => p.Shed), "shed by the router (503)", "#7b2cbf");
        plot.Axes.Bottom.Label.Text = "seconds since the load started (shaded: app stopped until healthy again)";
        plot.Axes.Left.Label.Text = "requests per second (by send time)";
        plot.Axes.SetLimitsY(0, report.Rate * 1.3);
        plot.Title($"Fault injection at {report.Rate} req/s{(report.Short ? " (short CI profile)" : "")}");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1400, 600);
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<int> values, string name, string colour)
    {
        var line = plot.Add.Scatter(xs, values.Select(v => (double)v).ToArray(), Color.FromHex(colour));
        line.MarkerSize = 0;
        line.LegendText = name;
    }
}
