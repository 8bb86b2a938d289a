using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// The internal API of users, its usage subscriber and its account-changed broadcasts, on the real app hosted by the
/// local runtime (see <see cref="UsersActorApp"/>).
/// </summary>
public sealed class UsersApiTests(UsersActorApp app) : IClassFixture<UsersActorApp>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(10);
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Subscribes_to_usage_recorded_and_hosts_the_account_actor()
    {
        var subscriptions = await Client.GetStringAsync("/dapr/subscribe");
        var config = await Client.GetStringAsync("/dapr/config");

        subscriptions.Should().Contain("\"topic\":\"usage-recorded\"").And.Contain("\"pubsubName\":\"pubsub\"").And.Contain("events/usage-recorded");
        config.Should().Contain(UserAccountActorContract.ActorType);
    }

    [Fact]
    public async Task Users_are_created_listed_read_renamed_and_refused_twice()
    {
        var userId = UsersTestData.NewUserId();
        var created = await Client.PostAsJsonAsync("/internal/users", new CreateUserRequest(userId, "Alice", "default", 2m), ContractsJsonContext.Default.CreateUserRequest);
        var again = await Client.PostAsJsonAsync("/internal/users", new CreateUserRequest(userId, "Other"), ContractsJsonContext.Default.CreateUserRequest);

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await created.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UserInfo))!.Should().Match<UserInfo>(u => u.Id == userId && u.Plan == "default" && u.Name == "Alice");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).Should().Contain("user_exists");

        var list = await Client.GetFromJsonAsync("/internal/users", ContractsJsonContext.Default.ListUserInfo);
        list!.Select(u => u.Id).Should().Contain([userId, "admin"]);
        list!.Single(u => u.Id == userId).Name.Should().Be("Alice");

        var renamed = await Client.PatchAsJsonAsync($"/internal/users/{userId}", new UpdateUserRequest(Name: "Alice B."), ContractsJsonContext.Default.UpdateUserRequest);
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Client.GetFromJsonAsync($"/internal/users/{userId}", ContractsJsonContext.Default.UserInfo))!.Name.Should().Be("Alice B.");
    }

    [Fact]
    public async Task A_plan_change_is_broadcast_on_account_changed_and_an_unknown_plan_is_a_400()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "default");

        var unknown = await Client.PatchAsJsonAsync($"/internal/users/{userId}", new UpdateUserRequest(Plan: "gold-nonexistent"), ContractsJsonContext.Default.UpdateUserRequest);
        var changed = await Client.PatchAsJsonAsync($"/internal/users/{userId}", new UpdateUserRequest(Plan: "rpm10"), ContractsJsonContext.Default.UpdateUserRequest);

        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("\"param\":\"plan\"");
        changed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await changed.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UserInfo))!.Plan.Should().Be("rpm10");
        var received = await app.Probe.WaitForAsync(e => e.UserId == userId, Delivery);
        received.Should().NotBeNull("the runtime delivers account-changed from users to the subscribed probe app");
        received!.Change.Should().Be("plan");
    }

    [Fact]
    public async Task Plans_are_listed_and_edited_at_runtime_and_an_edit_is_broadcast_to_every_user()
    {
        var name = "gold-" + Guid.NewGuid().ToString("n")[..6];
        var put = await Client.PutAsJsonAsync($"/internal/plans/{name}", new PlanInfo("ignored", 2, 0, 0, 0, ["deepseek-chat"]), ContractsJsonContext.Default.PlanInfo);
        var invalid = await Client.PutAsJsonAsync($"/internal/plans/{name}", new PlanInfo(name, -1, 0, 0, 0, []), ContractsJsonContext.Default.PlanInfo);

        put.StatusCode.Should().Be(HttpStatusCode.OK);
        (await put.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PlanInfo))!.Name.Should().Be(name);
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var plans = await Client.GetFromJsonAsync("/internal/plans", ContractsJsonContext.Default.ListPlanInfo);
        plans!.Select(p => p.Name).Should().Contain(["default", "unlimited", "rpm10", name]);
        (await app.Probe.WaitForAsync(e => e.UserId == "*" && e.Change.Contains(name, StringComparison.Ordinal), Delivery)).Should().NotBeNull();

        // The runtime plan applies at once: two requests a minute, deepseek-chat only.
        var userId = await app.CreateUserAsync(granted: 1m, plan: name);
        var actor = app.Actor(userId);
        var other = await actor.InvokeMethodAsync<ReservationRequest, QuotaDecision>(UserAccountActorContract.Reserve, new ReservationRequest("a", null, "deepseek-reasoner", 10, 10));
        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await actor.InvokeMethodAsync<ReservationRequest, QuotaDecision>(UserAccountActorContract.Reserve, new ReservationRequest($"r{i}", null, "deepseek-chat", 10, 10)));
        }

        other.Status.Should().Be(403);
        decisions.Select(d => d.Status).Should().Equal(200, 200, 429);
    }

    [Fact]
    public async Task A_plan_edited_by_another_instance_applies_here_once_its_broadcast_arrives()
    {
        var name = "remote-" + Guid.NewGuid().ToString("n")[..6];
        (await Client.GetFromJsonAsync("/internal/plans", ContractsJsonContext.Default.ListPlanInfo))!.Select(p => p.Name).Should().NotContain(name);

        // Another users instance's edit: the plans document in users-db changes, then its broadcast arrives.
        var bytes = await app.UsersDapr.GetByteStateAsync(Components.UsersDb, DeepSeek.Dapr.Users.Plans.PlanCatalog.StateKey);
        var stored = bytes.IsEmpty
            ? new Dictionary<string, PlanInfo>()
            : JsonSerializer.Deserialize(bytes.Span, DeepSeek.Dapr.Users.UsersJsonContext.Default.DictionaryStringPlanInfo)!;
        stored[name] = new PlanInfo(name, 1, 0, 0, 0, []);
        var json = JsonSerializer.SerializeToUtf8Bytes(stored, DeepSeek.Dapr.Users.UsersJsonContext.Default.DictionaryStringPlanInfo);
        await app.UsersDapr.SaveByteStateAsync(Components.UsersDb, DeepSeek.Dapr.Users.Plans.PlanCatalog.StateKey, json);
        (await Client.GetFromJsonAsync("/internal/plans", ContractsJsonContext.Default.ListPlanInfo))!.Select(p => p.Name)
            .Should().NotContain(name, "this instance serves its copy until it is told or the copy ages (the test clock stands still)");

        var changed = JsonSerializer.SerializeToUtf8Bytes(new AccountChanged("*", "plan-limits:" + name, DateTimeOffset.UtcNow), ContractsJsonContext.Default.AccountChanged);
        await app.ProbeDapr.PublishByteEventAsync(Components.Broadcast, Topics.AccountChanged, changed, "application/json");

        var plans = await Eventually.ValueAsync(
            async () => (await Client.GetFromJsonAsync("/internal/plans", ContractsJsonContext.Default.ListPlanInfo))!,
            list => list.Any(p => p.Name == name),
            Delivery);
        plans.Should().Contain(p => p.Name == name && p.RequestsPerMinute == 1);
    }

    [Fact]
    public async Task A_usage_event_published_twice_through_pubsub_is_charged_once_and_shows_in_balance_and_usage()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "default");
        var usage = UsersTestData.Usage(userId) with { KeyId = "key-a" };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(usage, ContractsJsonContext.Default.UsageRecorded);

        for (var i = 0; i < 2; i++)
        {
            await app.ProbeDapr.PublishByteEventAsync(Components.PubSub, Topics.UsageRecorded, bytes, "application/json");
        }

        var expected = Pricing.Format(1m - 0.0003892m);
        var balance = await Eventually.ValueAsync(
            async () => (await Client.GetFromJsonAsync($"/internal/users/{userId}/balance", ContractsJsonContext.Default.UserBalance))!,
            b => b.BalanceInfos.Single().TotalBalance == expected,
            Delivery);
        balance.BalanceInfos.Single().TotalBalance.Should().Be(expected);
        balance.IsAvailable.Should().BeTrue();

        var report = await Client.GetFromJsonAsync($"/internal/users/{userId}/usage?from=2026-03-01&to=2026-03-31", ContractsJsonContext.Default.UsageReport);
        report!.Lines.Should().ContainSingle().Which.Should().Match<UsageLine>(l => l.Requests == 1 && l.KeyId == null && l.Date == "2026-03-10");
        var byKey = await Client.GetFromJsonAsync($"/internal/users/{userId}/usage?from=2026-03-10&to=2026-03-10&key_id=key-a", ContractsJsonContext.Default.UsageReport);
        byKey!.Lines.Should().ContainSingle().Which.KeyId.Should().Be("key-a");
        var otherKey = await Client.GetFromJsonAsync($"/internal/users/{userId}/usage?from=2026-03-10&to=2026-03-10&key_id=key-b", ContractsJsonContext.Default.UsageReport);
        otherKey!.Lines.Should().BeEmpty();
    }

    [Fact]
    public async Task Top_ups_add_to_the_topped_up_or_granted_balance_in_deepseeks_shape()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "default");

        var topped = await Client.PostAsJsonAsync($"/internal/users/{userId}/topup", new TopUpRequest(2.5m), ContractsJsonContext.Default.TopUpRequest);
        var granted = await Client.PostAsJsonAsync($"/internal/users/{userId}/topup", new TopUpRequest(0.5m, Granted: true), ContractsJsonContext.Default.TopUpRequest);

        topped.StatusCode.Should().Be(HttpStatusCode.OK);
        (await granted.Content.ReadAsStringAsync()).Should().Be(
            """{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"4.00","granted_balance":"1.50","topped_up_balance":"2.50"}]}""");
    }

    [Fact]
    public async Task The_quota_check_facade_reserves_and_the_usage_naming_its_reservation_frees_the_hold()
    {
        var userId = await app.CreateUserAsync(granted: 1m, plan: "parallel3");

        var check = await Client.PostAsJsonAsync("/internal/quota/check", new QuotaCheckRequest(userId, "k", "deepseek-chat", 500), ContractsJsonContext.Default.QuotaCheckRequest);
        var decision = await check.Content.ReadFromJsonAsync(ContractsJsonContext.Default.QuotaDecision);

        decision!.Allowed.Should().BeTrue();
        decision.ReservationId.Should().NotBeNullOrEmpty();
        var actor = app.Actor(userId);
        (await actor.InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!.OpenHolds.Should().Be(1);
        await actor.InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, UsersTestData.Usage(userId) with { ReservationId = decision.ReservationId });
        (await actor.InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!.OpenHolds.Should().Be(0);
    }

    [Fact]
    public async Task Bad_input_gets_openai_shaped_400s_and_unknown_users_404()
    {
        var badTopUp = await Client.PostAsJsonAsync("/internal/users/admin/topup", new TopUpRequest(-1m), ContractsJsonContext.Default.TopUpRequest);
        var badRange = await Client.GetAsync("/internal/users/admin/usage?from=2026-02-01&to=2026-01-01");
        var unknown = await Client.GetAsync($"/internal/users/{UsersTestData.NewUserId()}/balance");
        var unknownPatch = await Client.PatchAsJsonAsync($"/internal/users/{UsersTestData.NewUserId()}", new UpdateUserRequest(Name: "x"), ContractsJsonContext.Default.UpdateUserRequest);
        var badId = await Client.GetAsync("/internal/users/bad%20id");
        var badJson = await Client.PostAsync("/internal/quota/check", new StringContent("{", Encoding.UTF8, "application/json"));
        var badCreate = await Client.PostAsJsonAsync("/internal/users", new CreateUserRequest("x y", "N"), ContractsJsonContext.Default.CreateUserRequest);

        badTopUp.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badTopUp.Content.ReadAsStringAsync()).Should().Contain("\"param\":\"amount\"");
        badRange.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("user_not_found");
        unknownPatch.StatusCode.Should().Be(HttpStatusCode.NotFound);
        badId.StatusCode.Should().Be(HttpStatusCode.NotFound);
        badJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badJson.Content.ReadAsStringAsync()).Should().Contain("\"error\"");
        badCreate.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
