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
/// <c>SettleMany</c>: a batch of usage events charged in one actor turn, called as the users subscriber calls it,
/// on the real users app hosted by the local runtime with SQLite state.
/// </summary>
public sealed class SettleManyTests(UsersActorApp app) : IClassFixture<UsersActorApp>
{
    [Fact]
    public async Task A_batch_with_duplicates_inside_charges_each_event_once_and_frees_its_holds()
    {
        var userId = await app.CreateUserAsync(granted: 1m);
        var holds = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => ReserveAsync(userId, $"req-{i}")));
        var events = holds.Select((h, i) => UsersTestData.Usage(userId, completion: 100 * (i + 1)) with { ReservationId = h.ReservationId }).ToList();
        var batch = events.Concat([events[0], events[3], events[0]]).ToList();

        var results = await SettleManyAsync(userId, batch);

        results.Select(r => r.Outcome).Should().Equal(
            Enumerable.Repeat(SettlementOutcomes.Charged, 5).Concat(Enumerable.Repeat(SettlementOutcomes.AlreadyCharged, 3)));
        results.Skip(5).Select(r => r.Cost).Should().Equal(results[0].Cost, results[3].Cost, results[0].Cost);
        var expected = events.Sum(e => Pricing.Cost(UsersTestData.ChatPrice, e));
        var view = await GetAsync(userId);
        view.OpenHolds.Should().Be(0);
        (view.GrantedBalance + view.ToppedUpBalance).Should().Be(1m - expected);
        (await LedgerLineAsync(userId)).Should().Match<UsageLine>(l => l.Requests == 5 && l.Cost == Pricing.Format(expected));
    }

    [Fact]
    public async Task Concurrent_overlapping_batches_and_single_settles_charge_every_event_exactly_once()
    {
        const decimal start = 5m;
        var userId = await app.CreateUserAsync(granted: start);
        var events = Enumerable.Range(0, 60).Select(i => UsersTestData.Usage(userId, prompt: 1000 + i, hit: i, completion: 10 * i)).ToList();

        // Four batches over overlapping windows of the events, racing each other and single Settle calls.
        var batches = Enumerable.Range(0, 4).Select(b => events.Skip(b * 15).Take(30).ToList()).ToList();
        var batchCalls = batches.Select(b => SettleManyAsync(userId, b));
        var singleCalls = events.Where((_, i) => i % 7 == 0).Select(e => SettleAsync(e).ContinueWith(t => new List<SettlementResult> { t.Result }, TaskScheduler.Default));
        var all = (await Task.WhenAll(batchCalls.Concat(singleCalls))).SelectMany(r => r).ToList();

        all.Count(r => r.Outcome == SettlementOutcomes.Charged).Should().Be(60, "each of the 60 events is charged by exactly one of the calls");
        all.Should().OnlyContain(r => r.Outcome == SettlementOutcomes.Charged || r.Outcome == SettlementOutcomes.AlreadyCharged);
        var expected = events.Sum(e => Pricing.Cost(UsersTestData.ChatPrice, e));
        var view = await GetAsync(userId);
        (view.GrantedBalance + view.ToppedUpBalance).Should().Be(start - expected);
        (await LedgerLineAsync(userId)).Should().Match<UsageLine>(l => l.Requests == 60 && l.Cost == Pricing.Format(expected));

        // A later batch of the same events (a redelivery after all of them were charged) charges nothing.
        (await SettleManyAsync(userId, events)).Should().OnlyContain(r => r.Outcome == SettlementOutcomes.AlreadyCharged);
        (await GetAsync(userId)).Should().Match<AccountView>(v => v.GrantedBalance + v.ToppedUpBalance == start - expected);
    }

    [Fact]
    public async Task Events_of_another_user_or_without_id_are_invalid_and_an_unknown_user_charges_nothing()
    {
        var userId = await app.CreateUserAsync(granted: 1m);
        var stranger = UsersTestData.NewUserId();
        var own = UsersTestData.Usage(userId);

        var results = await SettleManyAsync(userId, [UsersTestData.Usage(stranger), own with { EventId = "" }, own]);
        var unknown = await SettleManyAsync(stranger, [UsersTestData.Usage(stranger)]);

        results.Select(r => r.Outcome).Should().Equal(SettlementOutcomes.Invalid, SettlementOutcomes.Invalid, SettlementOutcomes.Charged);
        unknown.Should().ContainSingle().Which.Outcome.Should().Be(SettlementOutcomes.UnknownUser);
        (await GetAsync(userId)).GrantedBalance.Should().Be(1m - Pricing.Cost(UsersTestData.ChatPrice, own));
        (await SettleManyAsync(userId, [])).Should().BeEmpty();
    }

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, "keyid", "deepseek-chat", 1000, 1000));

    private Task<List<SettlementResult>> SettleManyAsync(string userId, List<UsageRecorded> usages) =>
        app.Actor(userId).InvokeMethodAsync<List<UsageRecorded>, List<SettlementResult>>(UserAccountActorContract.SettleMany, usages);

    private Task<SettlementResult> SettleAsync(UsageRecorded usage) =>
        app.Actor(usage.UserId).InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, usage);

    private async Task<AccountView> GetAsync(string userId) =>
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;

    private async Task<UsageLine> LedgerLineAsync(string userId)
    {
        var report = await app.Client.GetFromJsonAsync($"/internal/users/{userId}/usage?from=2026-03-10&to=2026-03-10", ContractsJsonContext.Default.UsageReport);
        return report!.Lines.Should().ContainSingle().Subject;
    }
}
