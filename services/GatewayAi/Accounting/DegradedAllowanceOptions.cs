namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// Configuration section <c>GatewayAi:Degraded</c>: what one replica admits per user, on its own, while users cannot
/// answer. The allowance follows what users last said about the account (<see cref="Contracts.Internal.AccountHeadroom"/>):
/// the plan's per-minute limits, and a share of the money that was left. It is per replica, so N replicas admit up to
/// N times this; the usage is charged later (reconciliation) and may overdraw a balance by at most that much.
/// </summary>
public sealed class DegradedAllowanceOptions
{
    public const string SectionName = "GatewayAi:Degraded";

    /// <summary>Requests per user per minute when users did not say (an older users), as users' default plan.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Estimated tokens (prompt + max output) per user per minute when users did not say.</summary>
    public int TokensPerMinute { get; set; } = 200_000;

    /// <summary>Ceiling per user per minute for plans without a request limit: a runaway client still stops somewhere.</summary>
    public int UnlimitedRequestsPerMinute { get; set; } = 6_000;

    /// <summary>
    /// Share of the money left at the last reservation that one replica may spend on its own (in holds of the size of
    /// the last one) before it stops admitting the user: conservative, since the real costs are usually below the holds.
    /// </summary>
    public decimal BalanceShare { get; set; } = 0.5m;

    /// <summary>
    /// Seconds after the last reservation users allowed during which the user counts as known-good. A user users
    /// never vouched for (or refused last time) is not admitted while users is down.
    /// </summary>
    public double VouchSeconds { get; set; } = 600;
}
