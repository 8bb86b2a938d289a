namespace DeepSeek.Dapr.GatewayAi;

/// <summary>Configuration section <c>Gateway</c>.</summary>
public sealed class GatewayAiOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Seconds between <c>: keep-alive</c> comments while a stream waits for its first token.</summary>
    public double KeepAliveSeconds { get; set; } = 5;

    /// <summary><c>Retry-After</c> on degraded 503s; matches the circuit breakers' open time in resiliency.yaml.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Sent as <c>system_fingerprint</c> when the backend does not name its own.</summary>
    public string SystemFingerprint { get; set; } = "fp_deepseek_dapr";
}
