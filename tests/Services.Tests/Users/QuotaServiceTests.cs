using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Quota;
using Microsoft.Extensions.Options;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>The quota check against the real users-db: limits hold under concurrency because the window write is ETag-guarded.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class QuotaServiceTests(LocalSidecars sidecars)
{
    private readonly FixedTime _time = new(UsersTestData.Noon);

    [Fact]
    public async Task Concurrent_checks_admit_exactly_the_requests_per_minute()
    {
        var options = Options.Create(UsersTestData.Options(new PlanOptions { RequestsPerMinute = 5 }));
        var userId = UsersTestData.NewUserId();
        await new AccountService(sidecars.Store(AppIds.Users), options, _time).CreateAsync(userId, "Eve", "default", 1m, default);
        var quota = new QuotaService(sidecars.Store(AppIds.Users), options, _time);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => quota.CheckAsync(new QuotaCheckRequest(userId, null, "deepseek-chat", 10), default)));

        decisions.Count(d => d.Allowed).Should().Be(5);
        decisions.Where(d => !d.Allowed).Should().AllSatisfy(d =>
        {
            d.Status.Should().Be(429);
            d.RetryAfterSeconds.Should().Be(40);
        });

        _time.Now = UsersTestData.Noon.AddMinutes(1);
        (await quota.CheckAsync(new QuotaCheckRequest(userId, null, "deepseek-chat", 10), default)).Allowed.Should().BeTrue();
    }

    [Fact]
    public async Task Spent_balance_gives_402_and_a_top_up_restores_access()
    {
        var options = Options.Create(UsersTestData.Options());
        var store = sidecars.Store(AppIds.Users);
        var accounts = new AccountService(store, options, _time);
        var quota = new QuotaService(store, options, _time);
        var userId = UsersTestData.NewUserId();
        await accounts.CreateAsync(userId, "Frank", null, 0.42m, default);
        var check = new QuotaCheckRequest(userId, null, "deepseek-chat", 10);
        (await quota.CheckAsync(check, default)).Allowed.Should().BeTrue();

        await new UsageCharger(store, options, _time).ChargeAsync(UsersTestData.Usage(userId, prompt: 0, hit: 0, completion: 1_000_000), default);

        (await quota.CheckAsync(check, default)).Status.Should().Be(402);
        AccountService.ToBalance((await accounts.GetAsync(userId, default))!).IsAvailable.Should().BeFalse();
        await accounts.TopUpAsync(userId, 1m, granted: false, default);
        (await quota.CheckAsync(check, default)).Allowed.Should().BeTrue();
    }

    [Fact]
    public async Task Daily_tokens_are_counted_from_the_charged_ledger()
    {
        var options = Options.Create(UsersTestData.Options(new PlanOptions { TokensPerDay = 2000 }));
        var store = sidecars.Store(AppIds.Users);
        var userId = UsersTestData.NewUserId();
        await new AccountService(store, options, _time).CreateAsync(userId, "Gina", null, 5m, default);
        var quota = new QuotaService(store, options, _time);

        await new UsageCharger(store, options, _time).ChargeAsync(UsersTestData.Usage(userId, prompt: 1000, hit: 0, completion: 500), default);

        (await quota.CheckAsync(new QuotaCheckRequest(userId, null, "deepseek-chat", 500), default)).Allowed.Should().BeTrue();
        var refused = await quota.CheckAsync(new QuotaCheckRequest(userId, null, "deepseek-chat", 501), default);
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Unknown_user_gets_403()
    {
        var quota = new QuotaService(sidecars.Store(AppIds.Users), Options.Create(UsersTestData.Options()), _time);

        var decision = await quota.CheckAsync(new QuotaCheckRequest(UsersTestData.NewUserId(), null, "deepseek-chat", 1), default);

        decision.Status.Should().Be(403);
    }
}
