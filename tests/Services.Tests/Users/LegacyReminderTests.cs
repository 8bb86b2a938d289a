using System.Net;
using System.Text;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// Accounts whose earlier version kept a persisted <c>expire-holds</c> reminder: it must do no harm now that holds
/// expire by an in-memory timer (holds time out after the default 600 s here, so the hold outlives the test).
/// </summary>
public sealed class LegacyReminderTests(UsersActorApp app) : IClassFixture<UsersActorApp>
{
    [Fact]
    public async Task A_persisted_expire_holds_reminder_left_by_an_earlier_version_removes_itself_and_harms_nothing()
    {
        var userId = await app.CreateUserAsync(granted: 1m);
        var hold = await ReserveAsync(userId, "kept");
        using var sidecar = Sidecar();
        var path = $"/v1.0/actors/{UserAccountActorContract.ActorType}/{userId}/reminders/{UserAccountActor.ExpireHoldsReminder}";
        var registered = await sidecar.PutAsync(path, new StringContent("""{"dueTime":"0h0m0s200ms","period":"0h0m0s500ms"}""", Encoding.UTF8, "application/json"));
        registered.IsSuccessStatusCode.Should().BeTrue();

        var status = await Eventually.ValueAsync(async () => (await sidecar.GetAsync(path)).StatusCode, s => s != HttpStatusCode.OK, TimeSpan.FromSeconds(10));

        status.Should().NotBe(HttpStatusCode.OK, "the actor unregisters the old reminder the first time it fires");
        var view = await GetAsync(userId);
        view.OpenHolds.Should().Be(1, "the young hold is not touched by the old reminder");
        view.GrantedBalance.Should().Be(1m);
        (await ReserveAsync(userId, "kept")).ReservationId.Should().Be(hold.ReservationId);
    }

    private HttpClient Sidecar() => new() { BaseAddress = new Uri(app.HttpEndpoint(UsersActorApp.ProbeAppId)) };

    private Task<QuotaDecision> ReserveAsync(string userId, string requestId) =>
        app.Actor(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(
            UserAccountActorContract.Reserve, new ReservationRequest(requestId, null, "deepseek-chat", 100, 100));

    private async Task<AccountView> GetAsync(string userId) =>
        (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
}
