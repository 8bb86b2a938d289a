using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Decisions;

/// <summary>
/// Key checks with the replica's decision cache in front of auth: a fresh positive decision answers without a hop;
/// otherwise auth is asked, and only when auth cannot answer (down, breaker open, timeout) does a stale positive
/// decision stand in. A key auth has never confirmed to this replica still gets the unavailable error (a 503), never
/// a 401: we cannot know.
/// </summary>
public sealed class KeyDecisions(IApiKeyVerifier auth, KeyDecisionCache cache, DecisionMetrics metrics)
{
    private static readonly KeyVerificationResult Expired = new(false, Reason: "expired");

    public async ValueTask<KeyDecision> VerifyAsync(string apiKey, CancellationToken cancellationToken)
    {
        var fingerprint = KeyDecisionCache.Fingerprint(apiKey);
        var (cached, age) = cache.Find(fingerprint);
        switch (age)
        {
            case DecisionAge.Fresh:
                return Decided(new KeyDecision(cached!, KeyDecisionSource.Fresh));
            case DecisionAge.KeyExpired:
                return Decided(new KeyDecision(Expired, KeyDecisionSource.Fresh));
        }

        var epoch = cache.Epoch;
        KeyVerificationResult result;
        try
        {
            result = await auth.VerifyAsync(apiKey, cancellationToken);
        }
        catch (DownstreamUnavailableException) when (age == DecisionAge.Stale && !cancellationToken.IsCancellationRequested)
        {
            return Decided(new KeyDecision(cached!, KeyDecisionSource.StaleFallback));
        }

        cache.Store(fingerprint, result, epoch);
        return Decided(new KeyDecision(result, KeyDecisionSource.Auth));
    }

    private KeyDecision Decided(KeyDecision decision)
    {
        metrics.Decided(decision.Source);
        return decision;
    }
}

/// <summary>A key decision and where it came from; <see cref="KeyDecisionSource.StaleFallback"/> must be marked as a fallback.</summary>
public readonly record struct KeyDecision(KeyVerificationResult Result, KeyDecisionSource Source);

public enum KeyDecisionSource
{
    Auth,
    Fresh,
    StaleFallback,
}
