using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DeepSeek.Dapr.GatewayAi;

/// <summary>The gateway's instruments on the shared "DeepSeek.Dapr" meter (exported on /metrics).</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "DeepSeek.Dapr";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _staleModels;
    private readonly Counter<long> _usageKept;
    private readonly Counter<long> _usageRepublished;
    private readonly Histogram<double> _duration;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("deepseek.gateway.requests", description: "Chat completion requests answered, by status and mode");
        _cacheHits = meter.CreateCounter<long>("deepseek.gateway.cache.hits", description: "Response cache hits");
        _cacheMisses = meter.CreateCounter<long>("deepseek.gateway.cache.misses", description: "Response cache misses of cacheable requests");
        _tokens = meter.CreateCounter<long>("deepseek.gateway.tokens", unit: "{token}", description: "Tokens served, by kind (prompt, completion)");
        _fallbacks = meter.CreateCounter<long>("deepseek.gateway.fallbacks", description: "Replies served by a fallback, by kind");
        _staleModels = meter.CreateCounter<long>("deepseek.gateway.models.stale", description: "Model lookups answered from the last known descriptor while models could not answer");
        _usageKept = meter.CreateCounter<long>("deepseek.gateway.usage.kept", description: "Usage events the sidecar refused, kept in the outbox to publish again");
        _usageRepublished = meter.CreateCounter<long>("deepseek.gateway.usage.republished", description: "Usage events published from the outbox on a later attempt");
        _duration = meter.CreateHistogram<double>("deepseek.gateway.request.duration", unit: "ms", description: "Chat completion latency");
    }

    public void Request(int status, bool stream, double elapsedMs)
    {
        var tags = new TagList { { "status", status }, { "stream", stream } };
        _requests.Add(1, tags);
        _duration.Record(elapsedMs, tags);
    }

    public void CacheLookup(bool hit)
    {
        if (hit)
        {
            _cacheHits.Add(1);
        }
        else
        {
            _cacheMisses.Add(1);
        }
    }

    public void Tokens(int prompt, int completion)
    {
        _tokens.Add(prompt, new KeyValuePair<string, object?>("kind", "prompt"));
        _tokens.Add(completion, new KeyValuePair<string, object?>("kind", "completion"));
    }

    public void Fallback(string kind) => _fallbacks.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StaleModelDescriptor() => _staleModels.Add(1);

    public void UsageKept() => _usageKept.Add(1);

    public void UsageRepublished() => _usageRepublished.Add(1);
}
