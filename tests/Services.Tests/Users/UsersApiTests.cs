using System.Net;
using System.Net.Http.Json;
using System.Text;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// The users app itself (its Program, endpoints, CloudEvents subscriber) in-process, wired to its real sidecar and
/// users-db. Events are posted as the sidecar delivers them: <c>application/cloudevents+json</c> to the listed route.
/// </summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class UsersApiTests(LocalSidecars sidecars) : SidecarAppTests<UsersOptions>(sidecars, AppIds.Users)
{

    [Fact]
    public async Task Subscribes_to_usage_recorded()
    {
        var subscriptions = await Client.GetStringAsync("/dapr/subscribe");

        subscriptions.Should().Contain("\"topic\":\"usage-recorded\"").And.Contain("\"pubsubName\":\"pubsub\"").And.Contain("events/usage-recorded");
    }

    [Fact]
    public async Task A_redelivered_cloud_event_is_charged_once_and_shows_in_balance_and_usage()
    {
        var userId = UsersTestData.NewUserId();
        (await Client.PostAsJsonAsync("/internal/users", new CreateUserRequest(userId, "Api", "default", 1m), ContractsJsonContext.Default.CreateUserRequest))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var usage = UsersTestData.Usage(userId, at: DateTimeOffset.UtcNow);
        var data = System.Text.Json.JsonSerializer.Serialize(usage, ContractsJsonContext.Default.UsageRecorded);
        var cloudEvent = $$"""{"specversion":"1.0","id":"{{Guid.NewGuid()}}","source":"gateway-ai","type":"com.dapr.event.sent","datacontenttype":"application/json","topic":"usage-recorded","pubsubname":"pubsub","data":{{data}}}""";

        for (var i = 0; i < 2; i++)
        {
            var reply = await Client.PostAsync("/events/usage-recorded", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"));
            reply.StatusCode.Should().Be(HttpStatusCode.OK);
            (await reply.Content.ReadAsStringAsync()).Should().Contain("SUCCESS");
        }

        var balance = await Client.GetFromJsonAsync($"/internal/users/{userId}/balance", ContractsJsonContext.Default.UserBalance);
        balance!.BalanceInfos.Single().TotalBalance.Should().Be(DeepSeek.Dapr.Users.Accounts.Pricing.Format(1m - 0.0003892m));
        var report = await Client.GetFromJsonAsync($"/internal/users/{userId}/usage", ContractsJsonContext.Default.UsageReport);
        report!.Lines.Should().ContainSingle().Which.Requests.Should().Be(1);
        var stored = await Sidecars.Store(AppIds.Users).GetAsync(DeepSeek.Dapr.Users.Accounts.UserAccount.StateKey(userId), UsersJsonContext.Default.UserAccount, default);
        stored.Value!.TotalBalance.Should().Be(1m - 0.0003892m, "the app wrote to the test's own sidecar and store");
    }

    [Fact]
    public async Task A_poison_event_is_dropped_not_retried_forever()
    {
        var reply = await Client.PostAsync("/events/usage-recorded", new StringContent("""{"data":{"nonsense":true}}""", Encoding.UTF8, "application/json"));

        reply.StatusCode.Should().Be(HttpStatusCode.OK);
        (await reply.Content.ReadAsStringAsync()).Should().Contain("DROP");
    }

    [Fact]
    public async Task Bad_input_gets_openai_shaped_400s_and_unknown_users_404()
    {
        var badTopUp = await Client.PostAsJsonAsync("/internal/users/admin/topup", new TopUpRequest(-1m), ContractsJsonContext.Default.TopUpRequest);
        var badRange = await Client.GetAsync("/internal/users/admin/usage?from=2026-02-01&to=2026-01-01");
        var unknown = await Client.GetAsync($"/internal/users/{UsersTestData.NewUserId()}/balance");
        var badJson = await Client.PostAsync("/internal/quota/check", new StringContent("{", Encoding.UTF8, "application/json"));

        badTopUp.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badTopUp.Content.ReadAsStringAsync()).Should().Contain("\"param\":\"amount\"");
        badRange.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("user_not_found");
        badJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badJson.Content.ReadAsStringAsync()).Should().Contain("\"error\"");
    }
}
