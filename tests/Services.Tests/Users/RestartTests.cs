using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>Everything a turn decided is in the store when it returns: a restarted users app sees holds, balance and charged events.</summary>
public sealed class RestartTests(RestartableUsersApp app) : IClassFixture<RestartableUsersApp>
{
    [Fact]
    public async Task Holds_balance_and_charged_events_survive_a_restart_of_the_users_app()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "parallel3");
        var hold = await ReserveAsync(userId, "before-restart");
        var usage = UsersTestData.Usage(userId);
        (await SettleAsync(usage)).Outcome.Should().Be(SettlementOutcomes.Charged);

        await app.RestartUsersAsync();

        (await SettleAsync(usage)).Outcome.Should().Be(SettlementOutcomes.AlreadyCharged, "the charged marker was saved in the same turn");
        var view = (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
        view.GrantedBalance.Should().Be(1m - 0.0003892m);
        view.OpenHolds.Should().Be(1);
        (await ReserveAsync(userId, "before-restart")).ReservationId.Should().Be(hold.ReservationId, "a retried reservation finds its saved hold");
        var settled = await SettleAsync(UsersTestData.Usage(userId) with { ReservationId = hold.ReservationId });
        settled.Outcome.Should().Be(SettlementOutcomes.Charged);
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!.OpenHolds.Should().Be(0);
    }

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, null, "deepseek-chat", 100, 100));

    private Task<SettlementResult> SettleAsync(UsageRecorded usage) =>
        app.Actor(usage.UserId).InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, usage);
}
