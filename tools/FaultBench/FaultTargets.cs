using System.Globalization;

namespace FaultBench;

/// <summary>
/// Issue 5's targets per fault. Every fault: no 500, degraded replies carry <c>X-Fallback</c> and <c>Retry-After</c>,
/// no usage lost or charged twice (users and monitoring). auth or users down, one gateway instance down, and the
/// domains that must not matter to chat (gateway-platform, monitoring): at most 0.1 % of requests not served.
/// inference, chat or models down: nothing but degraded 503s, failover or handled stream errors, and no request
/// longer than its timeout. Requests shed by the router's admission control count as not served everywhere.
/// </summary>
internal static class FaultTargets
{
    public const double MaxUnservedPercent = 0.1;

    private static readonly HashSet<string> MustKeepServing = ["auth", "users", "gateway-ai", "gateway-platform", "monitoring"];

    public static IReadOnlyList<TargetCheck> Check(FaultSpec fault, FaultRow row, TimeSpan? generationTimeout)
    {
        var checks = new List<TargetCheck>
        {
            new("no 500", row.Status500 == 0, $"{row.Status500} replies with status 500"),
            new("degraded replies marked", row.BadDegraded == 0, $"{row.BadDegraded} 503s without X-Fallback: degraded + Retry-After"),
            Usage("usage lost = 0 (users)", row.Usage.Charged, row.Usage.ChargedLost, row.Usage.ChargedExtra, row.Usage),
            Usage("usage lost = 0 (monitoring)", row.Usage.Counted, row.Usage.CountedLost, row.Usage.CountedExtra, row.Usage),
        };
        if (MustKeepServing.Contains(fault.AppId))
        {
            checks.Add(new TargetCheck($"≤ {Inv(MaxUnservedPercent)} % failed", row.UnservedPercent <= MaxUnservedPercent,
                $"{row.Failed + row.Degraded + row.Interrupted + row.Shed} of {row.Sent} not served ({Inv(row.UnservedPercent)} %, {row.Shed} shed)"));
        }
        else
        {
            checks.Add(new TargetCheck("only degraded 503s or failover", row.Failed + row.Shed == 0, $"{row.Failed} other failures, {row.Shed} shed"));
            checks.Add(generationTimeout is { } timeout
                ? new TargetCheck($"no request longer than its timeout ({Inv(timeout.TotalSeconds)} s)", row.MaxLatencyMs <= timeout.TotalMilliseconds,
                    $"longest {Inv(Math.Round(row.MaxLatencyMs))} ms")
                : new TargetCheck("no request longer than its timeout", false, "dapr-config/resiliency.yaml names no timeout for inference"));
        }

        return checks;
    }

    private static TargetCheck Usage(string name, long? recorded, long? lost, long? extra, UsageRow usage) =>
        recorded is null
            ? new TargetCheck(name, false, "could not be read")
            : new TargetCheck(name, lost == 0 && extra == 0,
                $"{usage.Owed} owed (+{usage.Uncertain} uncertain), {recorded} recorded: {lost} lost, {extra} extra");

    private static string Inv(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
