namespace DeepSeek.Dapr.GatewayAi.Caching;

/// <summary>Configuration section <c>Cache</c>: one TTL per data type (seconds), e.g. <c>Cache:Ttl:ChatCompletion</c>.</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    public CacheTtlOptions Ttl { get; set; } = new();
}

public sealed class CacheTtlOptions
{
    /// <summary>Generated completions: the same reproducible request gives the same text until the model changes.</summary>
    public int ChatCompletion { get; set; } = 3600;
}
