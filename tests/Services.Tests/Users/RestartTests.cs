using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// What a restart of the users app keeps: balance, ledger and charged events (saved in the turn that changed them).
/// Open holds live in the activation's memory and are forgotten, by design (ADR 0005): their usage is still charged
/// exactly once, the charged marker decides.
/// </summary>
public sealed class RestartTests(RestartableUsersApp app) : IClassFixture<RestartableUsersApp>
{
    [Fact]
    public async Task Balance_and_charged_events_survive_a_restart_and_a_forgotten_hold_is_still_charged_exactly_once()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "parallel3");
        var hold = await ReserveAsync(userId, "before-restart");
        var usage = UsersTestData.Usage(userId);
        (await SettleAsync(usage)).Outcome.Should().Be(SettlementOutcomes.Charged);

        await app.RestartUsersAsync();

        (await SettleAsync(usage)).Outcome.Should().Be(SettlementOutcomes.AlreadyCharged, "the charged marker was saved in the same turn");
        var view = await GetAsync(userId);
        view.GrantedBalance.Should().Be(1m - 0.0003892m);
        view.OpenHolds.Should().Be(0, "holds are not saved: a restart forgets them");
        (await ReserveAsync(userId, "before-restart")).ReservationId.Should().NotBe(hold.ReservationId, "the forgotten hold cannot be found again");

        var held = UsersTestData.Usage(userId) with { ReservationId = hold.ReservationId };
        (await SettleAsync(held)).Outcome.Should().Be(SettlementOutcomes.Charged, "usage of a forgotten hold is charged like usage without one");
        (await SettleAsync(held)).Outcome.Should().Be(SettlementOutcomes.AlreadyCharged);
        (await GetAsync(userId)).GrantedBalance.Should().Be(1m - (2 * 0.0003892m));
    }

    [Fact]
    public async Task Release_of_a_hold_forgotten_by_a_restart_is_a_no_op()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "parallel3");
        var hold = await ReserveAsync(userId, "released-after-restart");

        await app.RestartUsersAsync();
        var fresh = await ReserveAsync(userId, "fresh");
        await app.Actor(userId).InvokeMethodAsync(UserAccountActorContract.Release, new ReservationRelease(hold.ReservationId!));

        var view = await GetAsync(userId);
        view.OpenHolds.Should().Be(1, "only the fresh hold is open; releasing the forgotten one touched nothing");
        view.GrantedBalance.Should().Be(1m);
        fresh.Allowed.Should().BeTrue();
    }

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, null, "deepseek-chat", 100, 100));

    private Task<SettlementResult> SettleAsync(UsageRecorded usage) =>
        app.Actor(usage.UserId).InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, usage);

    private async Task<AccountView> GetAsync(string userId) =>
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
}
