namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// Configuration section <c>GatewayAi:Degraded</c>: what one replica admits per user, on its own, while users cannot
/// answer. Per replica, so N replicas admit up to N times this; the usage is charged later (reconciliation) and may
/// overdraw a balance by that much. It does not follow each user's plan (users' plans are not known here).
/// </summary>
public sealed class DegradedAllowanceOptions
{
    public const string SectionName = "GatewayAi:Degraded";

    /// <summary>Requests per user per minute (default: users' default plan, so a typical user does not notice an outage).</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Estimated tokens (prompt + max output) per user per minute (default: users' default plan).</summary>
    public int TokensPerMinute { get; set; } = 200_000;

    /// <summary>
    /// Seconds after the last reservation users allowed during which the user counts as known-good. A user users
    /// never vouched for (or refused last time) is not admitted while users is down.
    /// </summary>
    public double VouchSeconds { get; set; } = 600;
}
