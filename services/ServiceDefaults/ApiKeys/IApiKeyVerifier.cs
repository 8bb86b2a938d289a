using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.ServiceDefaults.ApiKeys;

/// <summary>
/// Checks an API key with auth. Small on purpose: gateway-ai puts its in-memory decision cache in front of it
/// (<c>Decisions/KeyDecisions</c>: fresh decisions skip auth, stale ones stand in while auth is down) without
/// touching this contract or the other callers.
/// </summary>
public interface IApiKeyVerifier
{
    /// <summary>Throws <see cref="Invocation.DownstreamUnavailableException"/> when auth cannot answer.</summary>
    Task<KeyVerificationResult> VerifyAsync(string apiKey, CancellationToken cancellationToken);
}
