using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.ServiceDefaults.ApiKeys;

/// <summary>
/// Checks an API key. Small on purpose: a decorator that serves recent positive decisions from the cache store while
/// auth is down (issue "Resilience", fallback 1) wraps this without touching the callers.
/// </summary>
public interface IApiKeyVerifier
{
    /// <summary>Throws <see cref="Invocation.DownstreamUnavailableException"/> when auth cannot answer.</summary>
    Task<KeyVerificationResult> VerifyAsync(string apiKey, CancellationToken cancellationToken);
}
