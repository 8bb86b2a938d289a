using DeepSeek.Dapr.Inference.Telemetry;

namespace DeepSeek.Dapr.Inference.Apis;

/// <summary>What the generate endpoint needs, bundled for <c>[AsParameters]</c>.</summary>
public sealed class GenerateServices(IServiceProvider services, InferenceMetrics metrics, ILogger<GenerateServices> logger, TimeProvider time)
{
    public IServiceProvider Services { get; } = services;
    public InferenceMetrics Metrics { get; } = metrics;
    public ILogger<GenerateServices> Logger { get; } = logger;
    public TimeProvider Time { get; } = time;
}
