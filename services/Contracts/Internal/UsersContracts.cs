namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary><c>POST /internal/quota/check</c> on <c>users</c>: may this user spend about this many tokens on this model now?</summary>
public sealed record QuotaCheckRequest(string UserId, string? KeyId, string Model, int EstimatedTokens);

/// <summary>
/// Decision of the quota check. When not allowed, <see cref="Status"/> is the HTTP status to answer
/// (402 balance, 403 model not allowed, 429 rate or quota) and <see cref="RetryAfterSeconds"/> is set for 429.
/// </summary>
public sealed record QuotaDecision(
    bool Allowed,
    int Status = 200,
    string? Message = null,
    int? RetryAfterSeconds = null,
    string? ReservationId = null,
    AccountHeadroom? Headroom = null);

/// <summary>
/// What users knew about the account when it allowed a reservation: the plan's per-minute limits (0 = none) and the
/// money left once this hold was taken, with the hold's own amount. A gateway sizes its local allowance from it
/// while users cannot answer, so the fallback follows each user's plan and balance instead of one fixed number.
/// </summary>
public sealed record AccountHeadroom(int RequestsPerMinute, long TokensPerMinute, decimal AvailableAfterHold, decimal HoldAmount);
