using System.Net;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>A request killed before settling leaves a hold; the actor's in-memory timer releases it (2 s timeout here).</summary>
public sealed class HoldExpiryTests(ShortHoldsUsersApp app) : IClassFixture<ShortHoldsUsersApp>
{
    [Fact]
    public async Task A_hold_never_settled_is_released_by_the_timer_and_the_slot_comes_back()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "parallel3");
        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await ReserveAsync(userId, $"killed-{i}"));
        }

        decisions.Take(3).Should().OnlyContain(d => d.Allowed);
        decisions[3].Status.Should().Be(429, "three holds are open on a plan of three parallel requests");

        var view = await Eventually.ValueAsync(() => GetAsync(userId), v => v.OpenHolds == 0, TimeSpan.FromSeconds(20));

        view.OpenHolds.Should().Be(0);
        view.HeldAmount.Should().Be(0m);
        view.GrantedBalance.Should().Be(1m, "an expired hold is released, never charged");
        (await ReserveAsync(userId, "after-expiry")).Allowed.Should().BeTrue();

        // The timer stops once no hold is left and starts again with the next one: that hold expires as well.
        (await Eventually.ValueAsync(() => GetAsync(userId), v => v.OpenHolds == 0, TimeSpan.FromSeconds(20))).OpenHolds.Should().Be(0);
        using var sidecar = Sidecar();
        var reminder = await sidecar.GetAsync($"/v1.0/actors/{UserAccountActorContract.ActorType}/{userId}/reminders/{UserAccountActor.ExpireHoldsReminder}");
        reminder.StatusCode.Should().NotBe(HttpStatusCode.OK, "expiry no longer keeps a persisted reminder");
    }

    private HttpClient Sidecar() => new() { BaseAddress = new Uri(app.HttpEndpoint(UsersActorApp.ProbeAppId)) };

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, null, "deepseek-chat", 100, 100));

    private async Task<AccountView> GetAsync(string userId) =>
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
}
