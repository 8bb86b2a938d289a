using System.Diagnostics.Metrics;

namespace DeepSeek.Dapr.GatewayAi.Decisions;

/// <summary>
/// <c>deepseek.gateway.key_decisions</c> by <c>source</c> (<c>fresh</c>, <c>auth</c>, <c>stale</c>): how often the
/// hot path skipped auth, and how often a cached decision stood in for an auth that could not answer.
/// </summary>
public sealed class DecisionMetrics
{
    private readonly Counter<long> _decisions;

    public DecisionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _decisions = meter.CreateCounter<long>("deepseek.gateway.key_decisions", description: "Key decisions by where they came from");
    }

    public void Decided(KeyDecisionSource source) => _decisions.Add(1, new KeyValuePair<string, object?>("source", source switch
    {
        KeyDecisionSource.Fresh => "fresh",
        KeyDecisionSource.StaleFallback => "stale",
        _ => "auth",
    }));
}
