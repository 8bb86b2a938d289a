namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>Configuration section <c>GatewayAi:Models</c>: how long model descriptors from models are reused.</summary>
public sealed class ModelsCatalogOptions
{
    public const string SectionName = "GatewayAi:Models";

    /// <summary>
    /// Seconds a lookup (found or not) is served without asking models: the hop saved on the hot path. A registration
    /// change evicts at once through <c>model-updated</c> on <c>broadcast</c>; this bounds how long a change whose event
    /// was lost (models could not publish) stays unseen.
    /// </summary>
    public double FreshSeconds { get; set; } = 5;

    /// <summary>Seconds a descriptor stays usable, and only while models cannot answer (fallback 2: models down).</summary>
    public double StaleSeconds { get; set; } = 600;
}
