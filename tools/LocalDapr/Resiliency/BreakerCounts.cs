namespace LocalDapr.Resiliency;

/// <summary>gobreaker's <c>Counts</c>: what a trip expression can read.</summary>
public readonly record struct BreakerCounts(
    uint Requests,
    uint TotalSuccesses,
    uint TotalFailures,
    uint ConsecutiveSuccesses,
    uint ConsecutiveFailures);
