namespace LocalDapr.Resiliency;

/// <param name="MaxRetries">-1 = unlimited, 0 = no retries.</param>
public sealed record RetryPolicy(
    string Name,
    bool Exponential,
    TimeSpan Duration,
    TimeSpan MaxInterval,
    int MaxRetries,
    StatusCodeSet HttpStatusCodes,
    StatusCodeSet GrpcStatusCodes)
{
    /// <summary>daprd's rule: a listed-codes allow-list per protocol; an empty list retries every code of it.</summary>
    public bool ShouldRetryCode(int code) =>
        code is >= 100 and <= 599
            ? HttpStatusCodes.IsEmpty || HttpStatusCodes.Contains(code)
            : GrpcStatusCodes.IsEmpty || GrpcStatusCodes.Contains(code);
}

public sealed record BreakerPolicy(string Name, uint MaxRequests, TimeSpan Interval, TimeSpan Timeout, Func<BreakerCounts, bool> Trip);

/// <summary>The policies that apply to one target (any of them may be absent).</summary>
public sealed record TargetPolicies(TimeSpan? Timeout, RetryPolicy? Retry, BreakerPolicy? Breaker)
{
    public static readonly TargetPolicies None = new(null, null, null);

    public bool IsEmpty => Timeout is null && Retry is null && Breaker is null;

    public bool HasRetries => Retry is { MaxRetries: not 0 };
}

/// <summary>Which calls share one actor circuit breaker (daprd <c>circuitBreakerScope</c>; default <c>type</c>).</summary>
public enum ActorBreakerScope
{
    Type,
    Id,
    Both,
}

/// <summary>The policies of one actor type, with the breaker scope and how many per-id breakers are kept.</summary>
public sealed record ActorTargetPolicies(TargetPolicies Policies, ActorBreakerScope Scope, int CacheSize)
{
    public const int DefaultCacheSize = 5000;
}
