namespace DeepSeek.Dapr.GatewayAi.Decisions;

/// <summary>Configuration section <c>GatewayAi:Decisions</c>: how long a positive key decision from auth is reused.</summary>
public sealed class DecisionOptions
{
    public const string SectionName = "GatewayAi:Decisions";

    /// <summary>Seconds a positive decision is served without asking auth at all (the hop saved on the hot path).</summary>
    public double FreshSeconds { get; set; } = 30;

    /// <summary>
    /// Seconds a positive decision stays usable as a fallback, and only while auth cannot answer. Revocation events
    /// evict it earlier; the key's own expiry always wins.
    /// </summary>
    public double StaleSeconds { get; set; } = 600;
}
