using System.Globalization;
using System.Text;

namespace FaultBench;

/// <summary>The run as Markdown: settings and machine, one row per fault, the targets, then notes.</summary>
internal static class MarkdownReport
{
    public static string Render(FaultReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Fault-injection run ({report.StartedAt:yyyy-MM-dd HH:mm} UTC{(report.Short ? ", short CI profile" : "")})"));
        md.AppendLine();
        md.AppendLine(Inv($"Machine: {report.Machine}. Load average (1 min) before / after: {report.LoadAverageBefore} / {report.LoadAverageAfter}."));
        md.AppendLine(Inv($"Load: {report.Rate} req/s open loop through the router (5 complete misses, 2 cache hits, 2 streams, 1 conversation in every 10), {report.Keys} users with one key each (unlimited plan), {report.GatewayAiInstances} gateway-ai instance(s). Per fault: {report.LeadInSeconds:0} s before, {report.DownSeconds:0} s down, {report.AfterSeconds:0} s after the app is healthy again. Warm-up before the first fault: {report.WarmUpServed} of {report.WarmUpSent} served. Usage settled after {report.SettleSeconds:0.#} s."));
        md.AppendLine();
        md.AppendLine("| Fault | Sent | Served | Fallback-served | X-Fallback seen | Degraded 503 | Interrupted | Failed | Shed 503 | Not served % | Peak in flight | Max ms | p99 ms | Recover s | Restart s | Usage owed | Charged (users) | Counted (monitoring) | Lost (users / monitoring) | Targets |");
        md.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var f in report.Faults)
        {
            var fallbacks = f.FallbackByKind.Count == 0 ? "none" : string.Join(", ", f.FallbackByKind.Select(k => Inv($"{k.Key} {k.Value}")));
            var lost = $"{Num(f.Usage.ChargedLost)} / {Num(f.Usage.CountedLost)}";
            md.AppendLine(Inv($"| {f.Fault} | {f.Sent} | {f.Served} | {f.FallbackServed} | {fallbacks} | {f.Degraded} | {f.Interrupted} | {f.Failed} | {f.Shed} | {f.UnservedPercent:0.###} | {f.PeakInFlight} | {f.MaxLatencyMs:0} | {f.P99LatencyMs:0} | {Num(f.RecoverySeconds, "not in phase")} | {f.RestartSeconds:0.0} | {f.Usage.Owed} | {Num(f.Usage.Charged)} | {Num(f.Usage.Counted)} | {lost} | {(f.AllMet ? "met" : "**missed**")} |"));
        }

        md.AppendLine();
        md.AppendLine("Fallback-served: 2xx answers carrying `X-Fallback`; X-Fallback seen: the header's values over every reply, 503s included. Degraded 503: `X-Fallback: degraded` + `Retry-After` + OpenAI error body. Interrupted: a stream that ended with an error event and `[DONE]`. Failed: any other non-2xx, transport error, cut stream or client timeout. Shed 503: refused by the router's admission control (`X-Shed: router`, `Retry-After`, OpenAI error body) — counted as not served. Peak in flight: most requests of the phase open at once. Recover s: from the restart command to the first request after which every request was served without fallback.");
        md.AppendLine();
        md.AppendLine("| Fault | Target | Result | Detail |");
        md.AppendLine("|---|---|---|---|");
        foreach (var f in report.Faults)
        {
            foreach (var t in f.Targets)
            {
                md.AppendLine($"| {f.Fault} | {t.Name} | {(t.Met ? "met" : "**missed**")} | {t.Detail} |");
            }
        }

        var errors = report.Faults.Where(f => f.SampleErrors.Count > 0).ToList();
        if (errors.Count > 0 || report.Notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine($"- {note}");
            }

            foreach (var f in errors)
            {
                md.AppendLine($"- {f.Fault}: statuses {string.Join(", ", f.Statuses.Select(s => Inv($"{s.Key} × {s.Value}")))}; e.g. {string.Join(" | ", f.SampleErrors.Select(e => e.Replace('|', '/').ReplaceLineEndings(" ")))}");
            }
        }

        return md.ToString();
    }

    private static string Num(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "n/a";

    private static string Num(double? value, string none) => value is { } v ? v.ToString("0.0#", CultureInfo.InvariantCulture) : none;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
