using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>
/// The bulk subscriber of <c>usage-recorded</c> on the real users app: one status per entry, each user's entries
/// settled in one actor call, a failing user's entries retried without touching the others.
/// </summary>
public sealed class BulkUsageSubscriberTests(UsersActorApp app) : IClassFixture<UsersActorApp>
{
    [Fact]
    public async Task Subscribes_in_bulk_with_a_short_wait()
    {
        var subscriptions = JsonNode.Parse(await app.Client.GetStringAsync("/dapr/subscribe"))!.AsArray();

        var usage = subscriptions.Single(s => s!["topic"]!.GetValue<string>() == Topics.UsageRecorded)!;
        usage["bulkSubscribe"]!["enabled"]!.GetValue<bool>().Should().BeTrue();
        usage["bulkSubscribe"]!["maxAwaitDurationMs"]!.GetValue<int>().Should().BeInRange(1, 100, "settling must not lag far behind the replies");
        usage["bulkSubscribe"]!["maxMessagesCount"]!.GetValue<int>().Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task Each_entry_gets_its_own_status_and_every_user_is_charged_once_per_event()
    {
        var alice = await app.CreateUserAsync(granted: 1m);
        var bob = await app.CreateUserAsync(granted: 1m);
        var aliceUsage = UsersTestData.Usage(alice, completion: 1000);
        var bobUsage = UsersTestData.Usage(bob, completion: 2000);

        var reply = await app.Client.PostAsync("/events/usage-recorded", BulkUsageEnvelope.Of(
            BulkUsageEnvelope.Entry("a1", aliceUsage),
            BulkUsageEnvelope.Entry("b1", bobUsage),
            BulkUsageEnvelope.Entry("a1-again", aliceUsage),
            BulkUsageEnvelope.Entry("nonsense", new JsonObject { ["nonsense"] = true }),
            BulkUsageEnvelope.Entry("nobody", UsersTestData.Usage(UsersTestData.NewUserId())),
            BulkUsageEnvelope.Entry("bad-user-id", UsersTestData.Usage("bad id"))));

        (await BulkUsageEnvelope.StatusesAsync(reply)).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["a1"] = "SUCCESS",
            ["b1"] = "SUCCESS",
            ["a1-again"] = "SUCCESS",
            ["nonsense"] = "DROP",
            ["nobody"] = "DROP",
            ["bad-user-id"] = "DROP",
        });
        (await BalanceAsync(alice)).Should().Be(1m - Pricing.Cost(UsersTestData.ChatPrice, aliceUsage), "the duplicate in the batch is charged once");
        (await BalanceAsync(bob)).Should().Be(1m - Pricing.Cost(UsersTestData.ChatPrice, bobUsage));

        // The same delivery again (daprd redelivering after a lost reply) charges nothing more.
        var again = await app.Client.PostAsync("/events/usage-recorded", BulkUsageEnvelope.Of(BulkUsageEnvelope.Entry("a1", aliceUsage)));
        (await BulkUsageEnvelope.StatusesAsync(again)).Should().Equal(new Dictionary<string, string> { ["a1"] = "SUCCESS" });
        (await BalanceAsync(alice)).Should().Be(1m - Pricing.Cost(UsersTestData.ChatPrice, aliceUsage));
    }

    [Fact]
    public async Task A_user_whose_actor_fails_gets_retry_and_the_other_users_in_the_delivery_are_charged()
    {
        var healthy = await app.CreateUserAsync(granted: 1m);
        var broken = UsersTestData.NewUserId();
        // An account the actor cannot read (garbage under its state key, written through the actor state API): its turns fail.
        using (var sidecar = new HttpClient { BaseAddress = new Uri(app.HttpEndpoint(AppIds.Users)) })
        {
            var garbage = await sidecar.PutAsync($"/v1.0/actors/{UserAccountActorContract.ActorType}/{broken}/state", new StringContent(
                """[{"operation":"upsert","request":{"key":"account","value":"not an account"}}]""", Encoding.UTF8, "application/json"));
            garbage.IsSuccessStatusCode.Should().BeTrue(await garbage.Content.ReadAsStringAsync());
        }

        var healthyUsage = UsersTestData.Usage(healthy);

        var reply = await app.Client.PostAsync("/events/usage-recorded", BulkUsageEnvelope.Of(
            BulkUsageEnvelope.Entry("broken-1", UsersTestData.Usage(broken)),
            BulkUsageEnvelope.Entry("healthy", healthyUsage),
            BulkUsageEnvelope.Entry("broken-2", UsersTestData.Usage(broken))));

        (await BulkUsageEnvelope.StatusesAsync(reply)).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["broken-1"] = "RETRY",
            ["healthy"] = "SUCCESS",
            ["broken-2"] = "RETRY",
        });
        (await BalanceAsync(healthy)).Should().Be(1m - Pricing.Cost(UsersTestData.ChatPrice, healthyUsage));
    }

    [Fact]
    public async Task A_body_that_is_not_a_bulk_envelope_is_a_400_with_an_error()
    {
        var plain = await app.Client.PostAsync("/events/usage-recorded", new StringContent("""{"data":{"nonsense":true}}""", Encoding.UTF8, "application/json"));
        var broken = await app.Client.PostAsync("/events/usage-recorded", new StringContent("{", Encoding.UTF8, "application/json"));

        plain.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await plain.Content.ReadAsStringAsync()).Should().Contain("\"error\"").And.Contain("entries");
        broken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private async Task<decimal> BalanceAsync(string userId)
    {
        var view = (await app.Actor(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get))).Account!;
        return view.GrantedBalance + view.ToppedUpBalance;
    }
}
