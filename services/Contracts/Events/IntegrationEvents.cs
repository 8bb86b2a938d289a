namespace DeepSeek.Dapr.Contracts.Events;

/// <summary>Published once per answered chat request; consumers are idempotent by <see cref="EventId"/>.</summary>
public sealed record UsageRecorded(
    string EventId,
    string RequestId,
    string UserId,
    string? KeyId,
    string Model,
    int PromptTokens,
    int CompletionTokens,
    int PromptCacheHitTokens,
    bool CacheHit,
    bool Streamed,
    double LatencyMs,
    DateTimeOffset OccurredAt,
    string? ReservationId = null);

/// <summary>Published by <c>auth</c> on <c>broadcast</c> (and <c>pubsub</c>) when a key is revoked: every cached decision for it is dropped.</summary>
public sealed record ApiKeyRevoked(string KeyId, string UserId, DateTimeOffset RevokedAt);

/// <summary>
/// Published by <c>users</c> on <c>broadcast</c> when a user's plan (or a plan's limits, then one event per affected user
/// or <see cref="UserId"/> = <c>*</c>) changes, so gateways drop cached decisions and local allowances for that user.
/// </summary>
public sealed record AccountChanged(string UserId, string Change, DateTimeOffset ChangedAt);

public sealed record ModelUpdated(string ModelId, DateTimeOffset UpdatedAt);

public sealed record TrainingJobChanged(string JobId, string Status, string? ModelId, DateTimeOffset ChangedAt);
