namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary><c>POST /internal/keys/verify</c> on <c>auth</c>.</summary>
public sealed record KeyVerificationRequest(string ApiKey);

/// <summary>
/// Outcome of a key check. <see cref="Valid"/> false carries <see cref="Reason"/>
/// (<c>missing</c>, <c>malformed</c>, <c>unknown</c>, <c>revoked</c>, <c>expired</c>).
/// </summary>
public sealed record KeyVerificationResult(
    bool Valid,
    string? KeyId = null,
    string? UserId = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? AllowedModels = null,
    DateTimeOffset? ExpiresAt = null,
    string? Reason = null);
