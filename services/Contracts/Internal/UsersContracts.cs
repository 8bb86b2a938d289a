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
    string? ReservationId = null);
