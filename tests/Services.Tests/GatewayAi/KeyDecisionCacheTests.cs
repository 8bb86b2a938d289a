using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Decisions;
using Microsoft.Extensions.Options;
using Services.Tests.Users.Support;

namespace Services.Tests.GatewayAi;

/// <summary>The decision cache's rules on their own: windows, expiry, what is never stored, and the eviction race.</summary>
public sealed class KeyDecisionCacheTests
{
    private static readonly KeyVerificationResult Alice = new(true, "key-1", "alice");
    private readonly FixedTime _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly KeyDecisionCache _cache;
    private readonly string _fingerprint = KeyDecisionCache.Fingerprint("sk-test");

    public KeyDecisionCacheTests() =>
        _cache = new KeyDecisionCache(Options.Create(new DecisionOptions { FreshSeconds = 30, StaleSeconds = 600 }), _clock);

    [Fact]
    public void The_key_itself_is_not_the_cache_key()
    {
        _fingerprint.Should().NotContain("sk-test").And.HaveLength(64);
        KeyDecisionCache.Fingerprint("sk-other").Should().NotBe(_fingerprint);
    }

    [Theory]
    [InlineData(0, DecisionAge.Fresh)]
    [InlineData(29, DecisionAge.Fresh)]
    [InlineData(30, DecisionAge.Stale)]
    [InlineData(599, DecisionAge.Stale)]
    [InlineData(600, DecisionAge.None)]
    public void A_decision_is_fresh_then_stale_then_gone(int seconds, DecisionAge expected)
    {
        _cache.Store(_fingerprint, Alice, _cache.Epoch);

        _clock.Now += TimeSpan.FromSeconds(seconds);

        _cache.Find(_fingerprint).Age.Should().Be(expected);
    }

    [Fact]
    public void The_keys_expiry_ends_a_fresh_decision()
    {
        _cache.Store(_fingerprint, Alice with { ExpiresAt = _clock.Now.AddSeconds(5) }, _cache.Epoch);

        _clock.Now += TimeSpan.FromSeconds(5);

        _cache.Find(_fingerprint).Age.Should().Be(DecisionAge.KeyExpired);
        _cache.Find(_fingerprint).Age.Should().Be(DecisionAge.None, "an expired decision is dropped");
    }

    [Fact]
    public void A_refusal_is_never_stored_and_replaces_a_cached_approval()
    {
        _cache.Store(_fingerprint, Alice, _cache.Epoch);

        _cache.Store(_fingerprint, new KeyVerificationResult(false, Reason: "revoked"), _cache.Epoch);

        _cache.Find(_fingerprint).Age.Should().Be(DecisionAge.None);
        _cache.Count.Should().Be(0);
    }

    [Fact]
    public void A_decision_fetched_across_an_eviction_is_not_stored()
    {
        var epochWhenAuthWasAsked = _cache.Epoch;

        _cache.EvictKey("key-1");
        _cache.Store(_fingerprint, Alice, epochWhenAuthWasAsked);

        _cache.Find(_fingerprint).Age.Should().Be(DecisionAge.None, "the revocation may have arrived after auth answered");
    }

    [Fact]
    public void Evictions_match_the_key_the_user_or_everyone()
    {
        var bob = KeyDecisionCache.Fingerprint("sk-bob");
        _cache.Store(_fingerprint, Alice, _cache.Epoch);
        _cache.Store(bob, new KeyVerificationResult(true, "key-2", "bob"), _cache.Epoch);

        _cache.EvictKey("key-3").Should().Be(0);
        _cache.EvictUser("bob").Should().Be(1);
        _cache.Find(_fingerprint).Age.Should().Be(DecisionAge.Fresh);
        _cache.EvictUser("*").Should().Be(1);
        _cache.Count.Should().Be(0);
    }
}
