using System.Globalization;
using System.Net;
using System.Text;

namespace PlatformBench;

/// <summary>
/// RPS per scenario and target as grouped horizontal bars, written as SVG by hand: no native graphics library is
/// needed, so the chart renders on any headless machine and in any browser or Markdown viewer.
/// </summary>
internal static class SvgChart
{
    private const int RowHeight = 18;
    private const int LabelWidth = 330;
    private const int BarWidth = 520;

    public static string Render(BenchReport report)
    {
        var groups = report.Results.GroupBy(r => r.Scenario).ToList();
        var height = 40 + groups.Sum(g => (g.Count() * RowHeight) + 26);
        var svg = new StringBuilder();
        svg.AppendLine(Inv($"""<svg xmlns="http://www.w3.org/2000/svg" width="{LabelWidth + BarWidth + 120}" height="{height}" font-family="sans-serif" font-size="12">"""));
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine(Inv($"""<text x="8" y="20" font-size="14" font-weight="bold">Requests per second by scenario (load average {report.LoadAverageBefore} / {report.LoadAverageAfter})</text>"""));
        var y = 40;
        foreach (var group in groups)
        {
            var max = Math.Max(1, group.Max(r => r.Rps));
            svg.AppendLine(Inv($"""<text x="8" y="{y + 12}" font-weight="bold">{WebUtility.HtmlEncode(group.Key)}</text>"""));
            y += 18;
            foreach (var row in group)
            {
                var width = row.Rps / max * BarWidth;
                svg.AppendLine(Inv($"""<text x="24" y="{y + 12}">{WebUtility.HtmlEncode(row.Target)}</text>"""));
                svg.AppendLine(Inv($"""<rect x="{LabelWidth}" y="{y + 2}" width="{width:0.0}" height="{RowHeight - 4}" fill="{Target.Colours.GetValueOrDefault(row.Target, "#999")}"/>"""));
                svg.AppendLine(Inv($"""<text x="{LabelWidth + width + 6:0.0}" y="{y + 13}">{row.Rps:0.#} rps, p99 {row.P99Ms:0.0} ms</text>"""));
                y += RowHeight;
            }

            y += 8;
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
