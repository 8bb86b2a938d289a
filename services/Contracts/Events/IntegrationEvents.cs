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

public sealed record ApiKeyRevoked(string KeyId, string UserId, DateTimeOffset RevokedAt);

public sealed record ModelUpdated(string ModelId, DateTimeOffset UpdatedAt);

public sealed record TrainingJobChanged(string JobId, string Status, string? ModelId, DateTimeOffset ChangedAt);
