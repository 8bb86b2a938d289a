using System.Net;
using System.Net.Http.Json;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// The accounting actor under concurrency, called as gateway-ai calls it (weakly typed proxy, another app's sidecar),
/// hosted by the real users app through the local runtime, state in SQLite.
/// </summary>
public sealed class UserAccountActorTests(UsersActorApp app) : IClassFixture<UsersActorApp>
{
    // 1000 prompt tokens as cache misses + 1000 completion tokens at deepseek-chat's prices: 0.00028 + 0.00042.
    private const decimal HoldOf1000And1000 = 0.0007m;

    [Fact]
    public async Task Two_hundred_concurrent_reservations_against_a_balance_for_fifty_admit_exactly_fifty()
    {
        var userId = await app.CreateUserAsync(granted: 50 * HoldOf1000And1000);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ReserveAsync(userId, $"req-{i}")));

        decisions.Count(d => d.Allowed).Should().Be(50);
        decisions.Where(d => !d.Allowed).Should().HaveCount(150).And.OnlyContain(d => d.Status == 402);
        decisions.Where(d => d.Allowed).Select(d => d.ReservationId).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        // Each allowed decision says what was left after its own hold: together they count down 49, 48 … 0 holds.
        decisions.Where(d => d.Allowed).Select(d => d.Headroom!.AvailableAfterHold / HoldOf1000And1000)
            .Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => (decimal)i));
        decisions.Where(d => d.Allowed).Should().OnlyContain(d => d.Headroom!.HoldAmount == HoldOf1000And1000);
        var view = await GetAsync(userId);
        view.OpenHolds.Should().Be(50);
        view.HeldAmount.Should().Be(50 * HoldOf1000And1000);
        (await StoredStateAsync(userId, "holds")).Should().Be(HttpStatusCode.NoContent, "holds live in the activation's memory, a reservation writes nothing");
        (await StoredStateAsync(userId, "window")).Should().Be(HttpStatusCode.NoContent, "so does the minute window");
    }

    [Fact]
    public async Task Releasing_every_hold_concurrently_frees_the_whole_balance_again_without_a_write()
    {
        var userId = await app.CreateUserAsync(granted: 50 * HoldOf1000And1000);
        var first = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ReserveAsync(userId, $"first-{i}")));

        await Task.WhenAll(first.Where(d => d.Allowed).Select(d =>
            app.Actor(userId).InvokeMethodAsync(UserAccountActorContract.Release, new ReservationRelease(d.ReservationId!))));
        var second = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ReserveAsync(userId, $"second-{i}")));

        first.Count(d => d.Allowed).Should().Be(50);
        second.Count(d => d.Allowed).Should().Be(50, "every released hold gave its money back, and nothing more");
        (await GetAsync(userId)).Should().Match<AccountView>(v => v.OpenHolds == 50 && v.GrantedBalance == 50 * HoldOf1000And1000);
        (await StoredStateAsync(userId, "holds")).Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Settling_every_hold_twice_and_concurrently_charges_each_event_once_to_the_cent()
    {
        const decimal start = 50 * HoldOf1000And1000;
        var userId = await app.CreateUserAsync(granted: start);
        var admitted = (await Task.WhenAll(Enumerable.Range(0, 60).Select(i => ReserveAsync(userId, $"req-{i}")))).Where(d => d.Allowed).ToList();
        admitted.Should().HaveCount(50);
        var events = admitted.Select((d, i) => UsersTestData.Usage(userId, prompt: 1000, hit: 10 * i, completion: 20 * i) with { ReservationId = d.ReservationId }).ToList();

        // Each event twice at once, as a redelivery racing its original.
        var results = await Task.WhenAll(events.Concat(events).Select(SettleAsync));

        results.Count(r => r.Outcome == SettlementOutcomes.Charged).Should().Be(50);
        results.Count(r => r.Outcome == SettlementOutcomes.AlreadyCharged).Should().Be(50);
        var expected = events.Sum(e => Pricing.Cost(UsersTestData.ChatPrice, e));
        var view = await GetAsync(userId);
        view.OpenHolds.Should().Be(0, "settling frees the hold");
        (view.GrantedBalance + view.ToppedUpBalance).Should().Be(start - expected);
        var report = await app.Client.GetFromJsonAsync($"/internal/users/{userId}/usage?from=2026-03-10&to=2026-03-10", ContractsJsonContext.Default.UsageReport);
        var line = report!.Lines.Should().ContainSingle().Subject;
        line.Requests.Should().Be(50);
        line.Cost.Should().Be(Pricing.Format(expected), "the ledger holds exactly what the balance lost");
        (await SettleAsync(events[0])).Should().Be(new SettlementResult(SettlementOutcomes.AlreadyCharged, Pricing.Cost(UsersTestData.ChatPrice, events[0])));
    }

    [Fact]
    public async Task Usage_without_a_reservation_is_charged_once_even_past_zero()
    {
        var userId = await app.CreateUserAsync(granted: 0.0001m);
        var usage = UsersTestData.Usage(userId, prompt: 0, hit: 0, completion: 1_000_000);

        (await SettleAsync(usage)).Should().Be(new SettlementResult(SettlementOutcomes.Charged, 0.42m));
        (await SettleAsync(usage)).Outcome.Should().Be(SettlementOutcomes.AlreadyCharged);

        var view = await GetAsync(userId);
        view.GrantedBalance.Should().Be(0m, "the granted balance is spent first");
        view.ToppedUpBalance.Should().Be(0.0001m - 0.42m);
        (await ReserveAsync(userId, "after")).Status.Should().Be(402);
    }

    [Fact]
    public async Task A_charged_marker_is_kept_in_actor_state_with_a_ttl_of_seven_days()
    {
        var userId = await app.CreateUserAsync(granted: 1m);
        var usage = UsersTestData.Usage(userId);
        await SettleAsync(usage);
        using var sidecar = new HttpClient { BaseAddress = new Uri(app.HttpEndpoint(AppIds.Users)) };

        using var marker = await sidecar.GetAsync($"/v1.0/actors/{UserAccountActorContract.ActorType}/{userId}/state/charged:{usage.EventId}");

        marker.StatusCode.Should().Be(HttpStatusCode.OK);
        (await marker.Content.ReadAsStringAsync()).Should().Contain("0.0003892");
        var expires = DateTimeOffset.Parse(marker.Headers.GetValues("Metadata.ttlExpireTime").Single(), System.Globalization.CultureInfo.InvariantCulture);
        expires.Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_plan_of_ten_requests_per_minute_admits_ten_of_thirty_concurrent()
    {
        var userId = await app.CreateUserAsync(granted: 10m, plan: "rpm10");

        var decisions = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => ReserveAsync(userId, $"req-{i}")));

        decisions.Count(d => d.Allowed).Should().Be(10);
        decisions.Where(d => !d.Allowed).Should().HaveCount(20).And.OnlyContain(d => d.Status == 429 && d.RetryAfterSeconds == 40);
    }

    [Fact]
    public async Task Max_parallel_requests_counts_open_holds_and_a_release_frees_a_slot()
    {
        var userId = await app.CreateUserAsync(granted: 10m, plan: "parallel3");

        var decisions = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ReserveAsync(userId, $"req-{i}")));

        decisions.Count(d => d.Allowed).Should().Be(3);
        decisions.Where(d => !d.Allowed).Should().OnlyContain(d => d.Status == 429 && d.RetryAfterSeconds == 1);
        await app.Actor(userId).InvokeMethodAsync(UserAccountActorContract.Release, new ReservationRelease(decisions.First(d => d.Allowed).ReservationId!));
        (await ReserveAsync(userId, "after-release")).Allowed.Should().BeTrue();
        (await ReserveAsync(userId, "one-too-many")).Status.Should().Be(429);
    }

    [Fact]
    public async Task The_same_request_reserving_twice_gets_its_one_hold_back()
    {
        var userId = await app.CreateUserAsync(granted: 1m);

        var first = await ReserveAsync(userId, "retried");
        var again = await ReserveAsync(userId, "retried");

        again.Allowed.Should().BeTrue();
        again.ReservationId.Should().Be(first.ReservationId);
        (await GetAsync(userId)).OpenHolds.Should().Be(1);
    }

    [Fact]
    public async Task Unknown_users_are_refused_and_their_usage_is_not_charged()
    {
        var userId = UsersTestData.NewUserId();

        (await ReserveAsync(userId, "r")).Status.Should().Be(403);
        (await SettleAsync(UsersTestData.Usage(userId))).Outcome.Should().Be(SettlementOutcomes.UnknownUser);
    }

    [Fact]
    public async Task A_reservation_without_request_id_or_model_is_a_400_decision_and_releasing_nothing_is_harmless()
    {
        var userId = await app.CreateUserAsync(granted: 1m);

        var decision = await app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest("r", null, "", 10, 10));
        await app.Actor(userId).InvokeMethodAsync(UserAccountActorContract.Release, new ReservationRelease("no-such-hold"));

        decision.Should().Match<QuotaDecision>(d => !d.Allowed && d.Status == 400);
        (await GetAsync(userId)).OpenHolds.Should().Be(0);
    }

    private async Task<HttpStatusCode> StoredStateAsync(string userId, string key)
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri(app.HttpEndpoint(AppIds.Users)) };
        using var reply = await sidecar.GetAsync($"/v1.0/actors/{UserAccountActorContract.ActorType}/{userId}/state/{key}");
        return reply.StatusCode;
    }

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, "key-1", "deepseek-chat", 1000, 1000));

    private Task<SettlementResult> SettleAsync(UsageRecorded usage) =>
        app.Actor(usage.UserId).InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, usage);

    private async Task<AccountView> GetAsync(string userId) =>
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
}
