using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Accounts;

/// <summary>
/// Issue 4's accounting under concurrency, end to end through the router: the per-user actor admits exactly what
/// the balance (or the plan) allows, a redelivered usage event charges once, and a hold nobody settles is freed by
/// the actor's expiry timer.
/// </summary>
[Collection(AccountsCollection.Name)]
public sealed class ExactAccountingTests(AccountsFixture platform, ITestOutputHelper output)
{
    private const int MaxTokens = 10;

    /// <summary>What one <see cref="AccountsFixture.ExactModel"/> request of <see cref="MaxTokens"/> costs (and holds): 0.01.</summary>
    private static readonly decimal RequestCost = MaxTokens * AccountsFixture.ExactOutputPrice / 1_000_000m;

    [Fact]
    public async Task Two_hundred_concurrent_requests_against_a_balance_for_fifty_admit_exactly_fifty()
    {
        await platform.Admin.PutPlanAsync("e2e-unlimited");
        var start = 50 * RequestCost;
        var user = await platform.Admin.CreateUserAsync("exact", "e2e-unlimited");
        await platform.Admin.TopUpAsync(user, start);
        var (key, _) = await platform.Admin.CreateKeyAsync(user);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await platform.ChatAsync(key, AccountsFixture.ExactModel, MaxTokens);
            return response.StatusCode;
        }));

        var counts = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"200 concurrent: {string.Join(", ", counts.Select(c => $"{(int)c.Key} x{c.Value}"))}");
        counts.GetValueOrDefault(HttpStatusCode.OK).Should().Be(50, "the balance pays for exactly 50 requests; statuses: {0}", Describe(counts));
        counts.GetValueOrDefault(HttpStatusCode.PaymentRequired).Should().Be(150, "every other request must be refused for balance");

        // Charging is asynchronous (usage-recorded): wait for the 50 charges, then compare to the cent.
        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(60), async () => (await platform.Admin.LedgerAsync(user)).Requests >= 50))
            .Should().BeTrue("the 50 answered requests must all reach the ledger");
        var (requests, ledgerCost) = await platform.Admin.LedgerAsync(user);
        var final = await platform.Admin.TotalBalanceAsync(user);
        output.WriteLine($"ledger: {requests} requests, {ledgerCost} USD; balance {start} -> {final}");
        requests.Should().Be(50);
        ledgerCost.Should().Be(50 * RequestCost);
        final.Should().Be(start - ledgerCost, "the final balance is the start minus the ledger sum, to the cent");
    }

    [Fact]
    public async Task A_plan_of_ten_requests_a_minute_admits_ten_of_thirty_concurrent_and_refuses_the_rest_with_retry_after()
    {
        await platform.Admin.PutPlanAsync("e2e-rpm10", requestsPerMinute: 10);
        var user = await platform.Admin.CreateUserAsync("rpm", "e2e-rpm10");
        await platform.Admin.TopUpAsync(user, 10m);
        var (key, _) = await platform.Admin.CreateKeyAsync(user);

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await platform.ChatAsync(key, AccountsFixture.ExactModel, 4);
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta);
        }));

        var counts = replies.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"30 concurrent on 10/min: {Describe(counts)}");
        counts.GetValueOrDefault(HttpStatusCode.OK).Should().Be(10, "statuses: {0}", Describe(counts));
        counts.GetValueOrDefault(HttpStatusCode.TooManyRequests).Should().Be(20);
        replies.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests)
            .Should().OnlyContain(r => r.RetryAfter != null && r.RetryAfter.Value > TimeSpan.Zero, "every 429 says when to retry");
    }

    [Fact]
    public async Task The_same_usage_event_delivered_twice_charges_once()
    {
        await platform.Admin.PutPlanAsync("e2e-unlimited");
        var user = await platform.Admin.CreateUserAsync("redeliver", "e2e-unlimited");
        await platform.Admin.TopUpAsync(user, 1m);
        var twice = Usage(user, completionTokens: 100);  // 0.10
        var marker = Usage(user, completionTokens: 200); // 0.20, published after the duplicate

        await PublishAsync(twice);
        await PublishAsync(twice);
        await PublishAsync(marker);

        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30), async () => (await platform.Admin.LedgerAsync(user)).Requests >= 2))
            .Should().BeTrue("both distinct events must be charged");
        // A second charge of the duplicate would land within the same delivery round; give it that long to show.
        var extraCharge = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(3), async () => (await platform.Admin.LedgerAsync(user)).Requests > 2);
        extraCharge.Should().BeFalse("the redelivered event must not be charged again");
        var (requests, cost) = await platform.Admin.LedgerAsync(user);
        requests.Should().Be(2);
        cost.Should().Be(0.30m);
        (await platform.Admin.TotalBalanceAsync(user)).Should().Be(0.70m);
    }

    [Fact]
    public async Task A_hold_left_by_a_killed_request_is_released_by_the_actors_expiry_timer()
    {
        await platform.Admin.PutPlanAsync("e2e-unlimited");
        var user = await platform.Admin.CreateUserAsync("killed", "e2e-unlimited");
        await platform.Admin.TopUpAsync(user, RequestCost);
        var (key, _) = await platform.Admin.CreateKeyAsync(user);

        // What a gateway killed between reserve and settle leaves behind: a hold on the actor that nobody releases.
        var decision = await ReserveDirectlyAsync(user, $"killed-{Guid.NewGuid():N}");
        decision["allowed"]!.GetValue<bool>().Should().BeTrue("the balance pays for one request: {0}", decision.ToJsonString());

        using (var held = await platform.ChatAsync(key, AccountsFixture.ExactModel, MaxTokens))
        {
            await ApiAssertions.ReadErrorAsync(held, HttpStatusCode.PaymentRequired);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var released = await Eventually.TrueWithinAsync(
            TimeSpan.FromSeconds(AccountsFixture.ReservationTimeoutSeconds + 30),
            async () =>
            {
                using var response = await platform.ChatAsync(key, AccountsFixture.ExactModel, MaxTokens);
                return response.StatusCode == HttpStatusCode.OK;
            });
        output.WriteLine($"the orphaned hold was released {clock.Elapsed.TotalSeconds:F1} s after the refused request (timeout {AccountsFixture.ReservationTimeoutSeconds} s)");
        released.Should().BeTrue("the actor's expiry timer must free the orphaned hold");

        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30), async () => (await platform.Admin.LedgerAsync(user)).Requests == 1)).Should().BeTrue();
        (await platform.Admin.TotalBalanceAsync(user)).Should().Be(0m, "only the answered request is charged; the expired hold costs nothing");
    }

    private static UsageRecorded Usage(string user, int completionTokens) => new(
        EventId: Guid.NewGuid().ToString("N"),
        RequestId: $"redeliver-{Guid.NewGuid():N}",
        UserId: user,
        KeyId: null,
        Model: AccountsFixture.ExactModel,
        PromptTokens: 0,
        CompletionTokens: completionTokens,
        PromptCacheHitTokens: 0,
        CacheHit: false,
        Streamed: false,
        LatencyMs: 1,
        OccurredAt: DateTimeOffset.UtcNow);

    /// <summary>Publishes through gateway-ai's sidecar, as gateway-ai itself does.</summary>
    private async Task PublishAsync(UsageRecorded usage)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://127.0.0.1:{platform.SidecarHttpPort(AppIds.GatewayAi)}/v1.0/publish/{Components.PubSub}/{Topics.UsageRecorded}";
        using var content = new StringContent(JsonSerializer.Serialize(usage, ContractsJsonContext.Default.UsageRecorded), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content);
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    /// <summary><c>Reserve</c> on the user's actor through the sidecar's actor API (JSON web defaults, as the SDK sends).</summary>
    private async Task<JsonNode> ReserveDirectlyAsync(string user, string requestId)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://127.0.0.1:{platform.SidecarHttpPort(AppIds.GatewayAi)}/v1.0/actors/UserAccountActor/{user}/method/Reserve";
        var body = new JsonObject
        {
            ["requestId"] = requestId,
            ["keyId"] = null,
            ["model"] = AccountsFixture.ExactModel,
            ["promptTokens"] = 0,
            ["maxCompletionTokens"] = MaxTokens,
        };
        using var response = await http.PutAsJsonAsync(url, body);
        return await ApiAssertions.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private static string Describe(Dictionary<HttpStatusCode, int> counts) => string.Join(", ", counts.Select(c => $"{(int)c.Key} x{c.Value}"));
}
