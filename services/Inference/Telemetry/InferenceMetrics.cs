using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DeepSeek.Dapr.Inference.Telemetry;

/// <summary>
/// Inference's counters on the shared "DeepSeek.Dapr" meter (exported on /metrics). The cancelled counter is the
/// platform's proof that a client disconnect reaches the backend: Prometheus shows it as
/// <c>deepseek_inference_generations_cancelled_total</c>.
/// </summary>
public sealed class InferenceMetrics
{
    public const string MeterName = "DeepSeek.Dapr";

    private readonly Counter<long> _generations;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _completionTokens;

    public InferenceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _generations = meter.CreateCounter<long>("deepseek.inference.generations", description: "Generations finished, by model, backend and outcome");
        _cancelled = meter.CreateCounter<long>("deepseek.inference.generations.cancelled", description: "Generations stopped because the caller went away");
        _completionTokens = meter.CreateCounter<long>("deepseek.inference.completion_tokens", description: "Tokens generated");
    }

    public void Finished(string model, string backend, bool streamed, string outcome, int completionTokens)
    {
        var tags = new TagList { { "model", model }, { "backend", backend }, { "streamed", streamed }, { "outcome", outcome } };
        _generations.Add(1, tags);
        if (completionTokens > 0)
        {
            _completionTokens.Add(completionTokens, new TagList { { "model", model }, { "backend", backend } });
        }
    }

    public void Cancelled(string model, string backend)
    {
        _cancelled.Add(1, new TagList { { "model", model }, { "backend", backend } });
        _generations.Add(1, new TagList { { "model", model }, { "backend", backend }, { "outcome", "cancelled" } });
    }
}
