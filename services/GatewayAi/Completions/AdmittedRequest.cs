using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Accounting;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>A request that passed validation, key check, model resolution and its account's reservation, with the cache lookup's result.</summary>
public sealed record AdmittedRequest(
    string RequestId,
    ChatCompletionRequest Request,
    ModelDescriptor Model,
    KeyVerificationResult Key,
    QuotaDecision Quota,
    int PromptTokens,
    string? CacheKey,
    ChatCompletion? Cached,
    long StartedAt)
{
    public bool CacheHit => Cached is not null;

    /// <summary>The hold on the user's account; null when admitted by the local allowance while users was down.</summary>
    public ReservationTicket? Reservation { get; init; }
}
