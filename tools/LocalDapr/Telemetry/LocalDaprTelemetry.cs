using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LocalDapr.Telemetry;

/// <summary>The runtime's own spans (ActivitySource "LocalDapr") and metrics (Meter "LocalDapr").</summary>
public static class LocalDaprTelemetry
{
    public const string Name = "LocalDapr";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Invocations = Meter.CreateCounter<long>(
        "localdapr.invocation.count", description: "Service invocations by caller, target and final HTTP status");

    private static readonly Histogram<double> InvocationDuration = Meter.CreateHistogram<double>(
        "localdapr.invocation.duration", unit: "ms", description: "Time until the target's response headers arrived");

    private static readonly Counter<long> BreakerTransitions = Meter.CreateCounter<long>(
        "localdapr.circuit_breaker.state_changes", description: "Circuit breaker state changes by target and new state");

    public static void RecordInvocation(string caller, string target, int status, double elapsedMs)
    {
        if (!Invocations.Enabled && !InvocationDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "caller", caller },
            { "target", target },
            { "status", status },
        };
        Invocations.Add(1, tags);
        InvocationDuration.Record(elapsedMs, tags);
    }

    public static void RecordBreakerState(string target, string state) =>
        BreakerTransitions.Add(1, new KeyValuePair<string, object?>("target", target), new KeyValuePair<string, object?>("state", state));
}
