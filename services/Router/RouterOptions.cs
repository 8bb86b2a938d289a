namespace DeepSeek.Dapr.Router;

/// <summary>Configuration section <c>Router</c>: what the public edge lets through before any gateway sees a request.</summary>
public sealed class RouterOptions
{
    public const string SectionName = "Router";

    public IpFilterOptions IpFilter { get; set; } = new();

    /// <summary>Largest request body accepted (bytes); larger bodies get 413 before they reach a gateway.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary><c>Retry-After</c> seconds when a gateway cannot be reached.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}

/// <summary>
/// Addresses or CIDR ranges (<c>10.0.0.0/8</c>, <c>::1</c>). An empty allow list allows everyone; deny always wins.
/// </summary>
public sealed class IpFilterOptions
{
    public List<string> Allow { get; set; } = [];
    public List<string> Deny { get; set; } = [];
}

public sealed class RateLimitOptions
{
    /// <summary>Per client address.</summary>
    public WindowLimit PerIp { get; set; } = new();

    /// <summary>Per API key (the bearer token, hashed); requests without a key are limited per address only.</summary>
    public WindowLimit PerKey { get; set; } = new();
}

/// <summary>A window limit: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>; 0 turns it off.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;

    /// <summary><c>Fixed</c> or <c>Sliding</c>.</summary>
    public string Kind { get; set; } = "Sliding";

    /// <summary>Segments of a sliding window (finer segments spread the reset).</summary>
    public int SegmentsPerWindow { get; set; } = 6;
}
