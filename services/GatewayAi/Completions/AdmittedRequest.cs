using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>A request that passed validation, key check, model resolution and quota, with the cache lookup's result.</summary>
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
}
