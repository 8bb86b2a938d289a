using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using Services.Tests.Users.Support;

namespace Services.Tests.GatewayAi.Sidecars;

/// <summary>
/// gateway-ai as deployed: two replicas behind one sidecar of the local runtime, reserving on the real users app's
/// accounting actor and hearing invalidations over the broadcast pub/sub (issue 4 items 5 and 8, issue 5 item 2).
/// </summary>
public sealed class GatewayReplicasOnSidecarsTests(GatewayOnSidecars platform) : IClassFixture<GatewayOnSidecars>
{
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_revoked_key_is_refused_within_a_second_on_both_replicas()
    {
        var (userId, apiKey, keyId) = await platform.CreateUserWithKeyAsync();
        foreach (var gateway in platform.Gateways)
        {
            (await ChatAsync(gateway, apiKey)).Should().Be(HttpStatusCode.OK);
        }

        // auth's record is revoked first (as auth does), then the event goes out; until it arrives the replicas
        // still trust their cached decisions, so the refusal below can only come from the broadcast.
        platform.StandIns.Keys[apiKey] = new(false, Reason: "revoked");
        var checksBefore = platform.StandIns.KeyChecks;
        foreach (var gateway in platform.Gateways)
        {
            (await ChatAsync(gateway, apiKey)).Should().Be(HttpStatusCode.OK, "the decision is cached and fresh");
        }

        platform.StandIns.KeyChecks.Should().Be(checksBefore);
        var clock = Stopwatch.StartNew();
        await platform.PublishRevokedAsync(keyId, userId);
        var statuses = await Eventually.ValueAsync(
            async () => await Task.WhenAll(platform.Gateways.Select(g => ChatAsync(g, apiKey))),
            all => all.All(s => s == HttpStatusCode.Unauthorized),
            TimeSpan.FromSeconds(1));
        clock.Stop();

        statuses.Should().OnlyContain(s => s == HttpStatusCode.Unauthorized, $"both replicas must refuse within 1 s (took {clock.ElapsedMilliseconds} ms)");
    }

    [Fact]
    public async Task Usage_of_an_answered_request_is_settled_by_users_from_the_reservation()
    {
        var (userId, apiKey, _) = await platform.CreateUserWithKeyAsync();

        (await ChatAsync(platform.Gateways[0], apiKey)).Should().Be(HttpStatusCode.OK);

        var charged = await Eventually.ValueAsync(() => platform.RequestsChargedAsync(userId), n => n >= 1, Settling);
        charged.Should().Be(1);
    }

    [Fact]
    public async Task A_request_that_fails_before_generation_releases_its_hold_on_the_actor()
    {
        // One request in flight at a time: a hold left behind would refuse the next request for ten minutes.
        var (userId, apiKey, _) = await platform.CreateUserWithKeyAsync(GatewayOnSidecars.ParallelOnePlan);
        platform.StandIns.InferenceDown = true;
        try
        {
            (await ChatAsync(platform.Gateways[0], apiKey)).Should().Be(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            platform.StandIns.InferenceDown = false;
        }

        var next = await Eventually.ValueAsync(() => ChatAsync(platform.Gateways[1], apiKey), s => s == HttpStatusCode.OK, Settling);

        next.Should().Be(HttpStatusCode.OK, "the failed request's hold was released");
        (await Eventually.ValueAsync(() => platform.RequestsChargedAsync(userId), n => n >= 1, Settling)).Should().Be(1, "only the answered request is charged");
    }

    [Fact]
    public async Task Users_down_admits_a_known_user_on_the_local_allowance_and_charges_it_once_users_is_back()
    {
        var (userId, apiKey, _) = await platform.CreateUserWithKeyAsync();
        var (strangerId, strangerKey, _) = await platform.CreateUserWithKeyAsync();
        using (var vouched = await PostAsync(platform.Gateways[0], apiKey))
        {
            vouched.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await Eventually.ValueAsync(() => platform.RequestsChargedAsync(userId), n => n >= 1, Settling)).Should().Be(1);

        platform.SetUsersHealthy(false);
        HttpResponseMessage degraded;
        HttpStatusCode stranger;
        try
        {
            degraded = await PostAsync(platform.Gateways[0], apiKey);
            stranger = await ChatAsync(platform.Gateways[0], strangerKey);
        }
        finally
        {
            platform.SetUsersHealthy(true);
        }

        using (degraded)
        {
            degraded.StatusCode.Should().Be(HttpStatusCode.OK);
            degraded.Headers.GetValues(FallbackMarker.Header).Should().Equal(FallbackKinds.AuthCache);
        }

        stranger.Should().Be(HttpStatusCode.ServiceUnavailable, "users never vouched for this user on this replica");
        var charged = await Eventually.ValueAsync(() => platform.RequestsChargedAsync(userId), n => n >= 2, Settling);
        charged.Should().Be(2, "the degraded request's usage waited in pub/sub and was charged once users was back");
        (await platform.RequestsChargedAsync(strangerId)).Should().Be(0);
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient gateway, string apiKey)
    {
        using var response = await PostAsync(gateway, apiKey);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient gateway, string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return gateway.SendAsync(request);
    }
}
