using System.Net;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayAi;

/// <summary>
/// The replica's cache of positive key decisions, through the real app over HTTP: the auth hop it saves, eviction by
/// the broadcast events, and the stale fallback while auth cannot answer (issue 4 item 8, issue 5 item 2).
/// </summary>
public sealed class KeyDecisionCachingTests
{
    private static readonly (string, string)[] NoFreshWindow = [("GatewayAi:Decisions:FreshSeconds", "0"), ("GatewayAi:Decisions:StaleSeconds", "60")];

    [Fact]
    public async Task A_fresh_decision_answers_without_auth_and_the_model_is_resolved_once()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client);
        using var second = await GatewayUnderTest.PostChatAsync(gateway.Client);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        gateway.Sidecar.CallsTo("auth/").Should().Be(1, "the second request is admitted on the cached decision");
        gateway.Sidecar.CallsTo("models/").Should().Be(1, "the resolved model is kept for a few seconds");
        gateway.Sidecar.CallsTo("actors/UserAccountActor/alice/method/Reserve").Should().Be(2, "every request reserves");
        second.Headers.Contains(FallbackMarker.Header).Should().BeFalse("a fresh decision is normal service, not a fallback");
        gateway.KeyDecisions("auth").Should().Be(1);
        gateway.KeyDecisions("fresh").Should().Be(1);
    }

    [Fact]
    public async Task Past_the_fresh_window_auth_is_asked_again()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(("GatewayAi:Decisions:FreshSeconds", "30"));
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client);

        gateway.Clock.Now += TimeSpan.FromSeconds(31);
        using var second = await GatewayUnderTest.PostChatAsync(gateway.Client);

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        gateway.Sidecar.CallsTo("auth/").Should().Be(2);
    }

    [Fact]
    public async Task A_revocation_event_evicts_the_decision_so_the_next_request_is_refused()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var admitted = await GatewayUnderTest.PostChatAsync(gateway.Client);
        admitted.StatusCode.Should().Be(HttpStatusCode.OK);

        // auth now knows the key is revoked; until the event arrives this replica still trusts its cached decision.
        gateway.Sidecar.Keys[FakeSidecar.GoodKey] = new KeyVerificationResult(false, Reason: "revoked");
        using var beforeEvent = await GatewayUnderTest.PostChatAsync(gateway.Client);
        beforeEvent.StatusCode.Should().Be(HttpStatusCode.OK);

        using var delivered = await gateway.DeliverAsync("/events/api-key-revoked", Topics.ApiKeyRevoked,
            """{"key_id":"key-1","user_id":"alice","revoked_at":"2026-03-01T12:00:00Z"}""");
        delivered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await delivered.Content.ReadAsStringAsync()).Should().Contain("SUCCESS");

        using var afterEvent = await GatewayUnderTest.PostChatAsync(gateway.Client);
        afterEvent.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await afterEvent.Content.ReadAsStringAsync()).Should().Contain("revoked_api_key");
        gateway.Sidecar.CallsTo("auth/").Should().Be(2);
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("*", true)]
    [InlineData("bob", false)]
    public async Task An_account_change_evicts_that_users_decisions_or_all_of_them(string userId, bool evicted)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var admitted = await GatewayUnderTest.PostChatAsync(gateway.Client);

        // camelCase on purpose: a publisher using DaprClient's defaults must still evict.
        using var delivered = await gateway.DeliverAsync("/events/account-changed", Topics.AccountChanged,
            $$"""{"userId":"{{userId}}","change":"plan","changedAt":"2026-03-01T12:00:00Z"}""");
        delivered.StatusCode.Should().Be(HttpStatusCode.OK);
        using var next = await GatewayUnderTest.PostChatAsync(gateway.Client);

        next.StatusCode.Should().Be(HttpStatusCode.OK);
        gateway.Sidecar.CallsTo("auth/").Should().Be(evicted ? 2 : 1);
    }

    [Fact]
    public async Task An_unreadable_invalidation_event_is_dropped_not_retried()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        using var delivered = await gateway.DeliverAsync("/events/api-key-revoked", Topics.ApiKeyRevoked, """{"unexpected":true}""");

        delivered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await delivered.Content.ReadAsStringAsync()).Should().Contain("DROP");
    }

    [Fact]
    public async Task Both_invalidation_topics_are_subscribed_on_the_broadcast_component()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        using var document = JsonDocument.Parse(await gateway.Client.GetStringAsync("/dapr/subscribe"));

        var subscriptions = document.RootElement.EnumerateArray()
            .Select(s => (Pubsub: Property(s, "pubsubname"), Topic: Property(s, "topic")))
            .ToList();
        subscriptions.Should().Contain((Components.Broadcast, Topics.ApiKeyRevoked));
        subscriptions.Should().Contain((Components.Broadcast, Topics.AccountChanged));
    }

    // daprd reads the subscription list case-insensitively (the SDK writes pubsubName, the docs show pubsubname).
    private static string? Property(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value.GetString();

    [Fact]
    public async Task A_refusal_is_not_cached_so_a_key_that_becomes_valid_works_at_once()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var client = gateway.NewClient("sk-test-later");

        using var refused = await GatewayUnderTest.PostChatAsync(client);
        gateway.Sidecar.Keys["sk-test-later"] = new KeyVerificationResult(true, "key-2", "alice");
        using var accepted = await GatewayUnderTest.PostChatAsync(client);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Auth_down_serves_a_known_key_from_the_cache_marked_auth_cache_and_counted()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(NoFreshWindow);
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client);
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        gateway.Sidecar.DownApps.Add("auth");
        using var served = await GatewayUnderTest.PostChatAsync(gateway.Client);

        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Headers.GetValues(FallbackMarker.Header).Should().Equal(FallbackKinds.AuthCache);
        gateway.Sidecar.CallsTo("auth/").Should().Be(2, "auth is still asked first; the cache only stands in when it fails");
        gateway.Fallbacks(FallbackKinds.AuthCache).Should().Be(1);
        gateway.KeyDecisions("stale").Should().Be(1);
        gateway.Factory.Usage.Published.Should().HaveCount(2);
    }

    [Fact]
    public async Task Auth_down_and_a_key_never_seen_is_a_503_with_retry_after_not_a_401()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(NoFreshWindow);
        gateway.Sidecar.DownApps.Add("auth");

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        gateway.Sidecar.Generations.Should().BeEmpty();
    }

    [Fact]
    public async Task Past_the_stale_window_a_cached_key_is_no_longer_served()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(NoFreshWindow);
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client);
        gateway.Sidecar.DownApps.Add("auth");

        gateway.Clock.Now += TimeSpan.FromSeconds(61);
        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_cached_decision_is_never_used_past_the_keys_expiry()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.Keys[FakeSidecar.GoodKey] = new KeyVerificationResult(true, "key-1", "alice", ExpiresAt: gateway.Clock.Now.AddSeconds(10));
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client);
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        gateway.Sidecar.DownApps.Add("auth");
        gateway.Clock.Now += TimeSpan.FromSeconds(11);
        using var expired = await GatewayUnderTest.PostChatAsync(gateway.Client);

        expired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await expired.Content.ReadAsStringAsync()).Should().Contain("expired_api_key");
    }
}
