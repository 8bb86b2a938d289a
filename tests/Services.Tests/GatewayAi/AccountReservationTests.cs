using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayAi;

/// <summary>
/// Reservations on the user's accounting actor through the sidecar's actor API: the estimate, exactly one of settle
/// (usage event with the reservation id) or release per hold, and the local allowance while users is down.
/// </summary>
public sealed class AccountReservationTests
{
    private static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_reservation_estimates_prompt_plus_max_tokens_and_the_usage_event_settles_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        using var withMax = await GatewayUnderTest.PostChatAsync(gateway.Client, """{"model":"chat","messages":[{"role":"user","content":"hi"}],"max_tokens":100}""");
        using var withoutMax = await GatewayUnderTest.PostChatAsync(gateway.Client);

        withMax.StatusCode.Should().Be(HttpStatusCode.OK);
        var reservations = gateway.Sidecar.Accounts.Reservations.ToList();
        reservations.Select(r => r.UserId).Should().Equal("alice", "alice");
        reservations[0].Request.MaxCompletionTokens.Should().Be(100);
        reservations[1].Request.MaxCompletionTokens.Should().Be(FakeSidecar.Chat.MaxOutputTokens);
        reservations[0].Request.PromptTokens.Should().BeGreaterThan(0);
        reservations[0].Request.KeyId.Should().Be("key-1");
        reservations[0].Request.Model.Should().Be("deepseek-chat", "the alias is resolved before reserving");
        reservations[0].Request.RequestId.Should().Be(withMax.Headers.GetValues("X-Request-Id").Single());
        gateway.Factory.Usage.Published.Select(u => u.ReservationId).Should().Equal("res-1-1", "res-1-2");
    }

    [Fact]
    public async Task A_cache_hit_reserves_and_settles_too()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        const string body = """{"model":"chat","messages":[{"role":"user","content":"hi"}],"temperature":0}""";

        using var miss = await GatewayUnderTest.PostChatAsync(gateway.Client, body);
        using var hit = await GatewayUnderTest.PostChatAsync(gateway.Client, body);

        hit.Headers.GetValues("X-Cache").Should().Equal("HIT");
        gateway.Sidecar.Accounts.Reservations.Should().HaveCount(2);
        var usage = gateway.Factory.Usage.Published.Last();
        usage.CacheHit.Should().BeTrue();
        usage.ReservationId.Should().Be("res-1-2");
    }

    [Fact]
    public async Task A_request_that_fails_before_generation_releases_its_hold_and_publishes_no_usage()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var ok = await GatewayUnderTest.PostChatAsync(gateway.Client);

        gateway.Sidecar.DownApps.Add("inference");
        using var failed = await GatewayUnderTest.PostChatAsync(gateway.Client);
        failed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        await gateway.Sidecar.Accounts.WaitForReleasesAsync(1, ReleaseWait);
        gateway.Sidecar.Accounts.Releases.Should().Equal([("alice", "res-1-2")], "only the failed request's hold is released; the first one was settled");
        gateway.Factory.Usage.Published.Select(u => u.ReservationId).Should().Equal("res-1-1");
    }

    [Fact]
    public async Task A_request_inference_rejects_releases_its_hold()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.Inference.Behaviour = FakeInference.Mode.Reject400;

        using var rejected = await GatewayUnderTest.PostChatAsync(gateway.Client);

        rejected.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await gateway.Sidecar.Accounts.WaitForReleasesAsync(1, ReleaseWait);
        gateway.Sidecar.Accounts.Releases.Should().ContainSingle().Which.ReservationId.Should().Be("res-1-1");
        gateway.Factory.Usage.Published.Should().BeEmpty();
    }

    [Fact]
    public async Task A_client_that_leaves_before_the_first_token_releases_its_hold()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.Inference.Behaviour = FakeInference.Mode.HoldBeforeFirstToken;
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeSidecar.GoodKey);

        var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token)))
        {
            (await reader.ReadLineAsync(cts.Token)).Should().Be(": keep-alive");
            await cts.CancelAsync();
        }

        response.Dispose();
        await gateway.Sidecar.InferenceCancelled.Task.WaitAsync(ReleaseWait);
        await gateway.Sidecar.Accounts.WaitForReleasesAsync(1, ReleaseWait);
        gateway.Sidecar.Accounts.Releases.Should().ContainSingle().Which.ReservationId.Should().Be("res-1-1");
        gateway.Factory.Usage.Published.Should().BeEmpty("nothing was generated, so nothing is charged");
    }

    [Fact]
    public async Task Users_down_admits_a_known_user_on_the_local_allowance_then_429_past_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(("GatewayAi:Degraded:RequestsPerMinute", "2"));
        using var vouched = await GatewayUnderTest.PostChatAsync(gateway.Client);
        vouched.StatusCode.Should().Be(HttpStatusCode.OK);

        gateway.Sidecar.DownApps.Add("users");
        var degraded = new List<HttpResponseMessage>();
        for (var i = 0; i < 2; i++)
        {
            degraded.Add(await GatewayUnderTest.PostChatAsync(gateway.Client));
        }

        using var over = await GatewayUnderTest.PostChatAsync(gateway.Client);

        degraded.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        degraded.Should().OnlyContain(r => r.Headers.GetValues(FallbackMarker.Header).Single() == FallbackKinds.AuthCache);
        over.StatusCode.Should().Be((HttpStatusCode)429);
        over.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
        gateway.Factory.Usage.Published.Select(u => u.ReservationId).Should().Equal(
            ["res-1-1", null, null], "degraded usage carries no reservation: users charges it when it is back");
        gateway.Fallbacks(FallbackKinds.AuthCache).Should().Be(2);
        degraded.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task The_local_allowance_starts_again_with_the_next_minute()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(("GatewayAi:Degraded:RequestsPerMinute", "1"));
        using var vouched = await GatewayUnderTest.PostChatAsync(gateway.Client);
        gateway.Sidecar.DownApps.Add("users");
        using var degraded = await GatewayUnderTest.PostChatAsync(gateway.Client);
        using var over = await GatewayUnderTest.PostChatAsync(gateway.Client);

        gateway.Clock.Now += TimeSpan.FromMinutes(1);
        using var nextMinute = await GatewayUnderTest.PostChatAsync(gateway.Client);

        degraded.StatusCode.Should().Be(HttpStatusCode.OK);
        over.StatusCode.Should().Be((HttpStatusCode)429);
        nextMinute.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Users_down_and_a_user_it_never_vouched_for_is_a_503()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.DownApps.Add("users");

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        gateway.Fallbacks(FallbackKinds.AuthCache).Should().Be(0);
    }

    [Fact]
    public async Task A_user_users_refused_for_balance_is_not_admitted_while_users_is_down()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var vouched = await GatewayUnderTest.PostChatAsync(gateway.Client);
        gateway.Sidecar.Quota = _ => new QuotaDecision(false, 402, "Insufficient Balance");
        using var refused = await GatewayUnderTest.PostChatAsync(gateway.Client);

        gateway.Sidecar.DownApps.Add("users");
        using var degraded = await GatewayUnderTest.PostChatAsync(gateway.Client);

        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        degraded.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task An_account_change_forgets_the_local_allowance_of_the_user()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var vouched = await GatewayUnderTest.PostChatAsync(gateway.Client);
        using var delivered = await gateway.DeliverAsync("/events/account-changed", "account-changed",
            """{"user_id":"alice","change":"plan","changed_at":"2026-03-01T12:00:00Z"}""");

        gateway.Sidecar.DownApps.Add("users");
        using var degraded = await GatewayUnderTest.PostChatAsync(gateway.Client);

        degraded.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "the new plan is unknown until users answers");
    }
}
