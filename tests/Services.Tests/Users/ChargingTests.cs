using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.Extensions.Options;
using Services.Tests.Users.Support;

namespace Services.Tests.Users;

/// <summary>Exactly-once charging against the real users-db (SQLite) behind a local sidecar.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class ChargingTests(LocalSidecars sidecars)
{
    private readonly FixedTime _time = new(UsersTestData.Noon);

    private AccountService Accounts => new(sidecars.Store(AppIds.Users), Options.Create(UsersTestData.Options()), _time);

    private UsageCharger Charger => new(sidecars.Store(AppIds.Users), Options.Create(UsersTestData.Options()), _time);

    [Fact]
    public async Task The_same_event_delivered_twice_is_charged_once()
    {
        var userId = UsersTestData.NewUserId();
        await Accounts.CreateAsync(userId, "Alice", null, 10m, default);
        var usage = UsersTestData.Usage(userId);

        var first = await Charger.ChargeAsync(usage, default);
        var second = await Charger.ChargeAsync(usage, default);

        first.Should().Be(new ChargeResult(ChargeOutcome.Charged, 0.0003892m));
        second.Outcome.Should().Be(ChargeOutcome.AlreadyCharged);
        var account = await Accounts.GetAsync(userId, default);
        account!.TotalBalance.Should().Be(10m - 0.0003892m);
        var report = await Accounts.UsageAsync(userId, DateOnly.FromDateTime(UsersTestData.Noon.UtcDateTime), DateOnly.FromDateTime(UsersTestData.Noon.UtcDateTime), default);
        report.Lines.Should().ContainSingle().Which.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_deliveries_with_duplicates_charge_each_event_exactly_once()
    {
        var userId = UsersTestData.NewUserId();
        await Accounts.CreateAsync(userId, "Bob", null, 1m, default);
        var events = Enumerable.Range(1, 15).Select(i => UsersTestData.Usage(userId, prompt: 100 * i, hit: 10 * i, completion: 7 * i)).ToList();

        // Every event twice, all at once: duplicates race their originals on the same account document.
        var results = await Task.WhenAll(events.Concat(events).Select(e => Charger.ChargeAsync(e, default)));

        results.Count(r => r.Outcome == ChargeOutcome.Charged).Should().Be(15);
        results.Count(r => r.Outcome == ChargeOutcome.AlreadyCharged).Should().Be(15);
        var expected = events.Sum(e => Pricing.Cost(UsersTestData.ChatPrice, e));
        var account = await Accounts.GetAsync(userId, default);
        account!.TotalBalance.Should().Be(1m - expected);
        var day = DateOnly.FromDateTime(UsersTestData.Noon.UtcDateTime);
        var line = (await Accounts.UsageAsync(userId, day, day, default)).Lines.Should().ContainSingle().Subject;
        line.Requests.Should().Be(15);
        line.PromptTokens.Should().Be(events.Sum(e => e.PromptTokens));
        line.Cost.Should().Be(Pricing.Format(expected));
    }

    [Fact]
    public async Task One_charger_queues_a_burst_for_one_user_instead_of_exhausting_retries()
    {
        var userId = UsersTestData.NewUserId();
        await Accounts.CreateAsync(userId, "Burst", null, 1m, default);
        var charger = Charger;
        var events = Enumerable.Range(0, 40).Select(_ => UsersTestData.Usage(userId)).ToList();

        var results = await Task.WhenAll(events.Select(e => charger.ChargeAsync(e, default)));

        results.Should().OnlyContain(r => r.Outcome == ChargeOutcome.Charged);
        (await Accounts.GetAsync(userId, default))!.TotalBalance.Should().Be(1m - 40 * 0.0003892m);
    }

    [Fact]
    public async Task Usage_of_an_unknown_user_is_not_charged()
    {
        var result = await Charger.ChargeAsync(UsersTestData.Usage(UsersTestData.NewUserId()), default);

        result.Outcome.Should().Be(ChargeOutcome.UnknownUser);
    }

    [Fact]
    public async Task Usage_report_splits_days_and_models_and_prices_unknown_models_at_the_default_price()
    {
        var userId = UsersTestData.NewUserId();
        await Accounts.CreateAsync(userId, "Carol", null, 5m, default);
        var day1 = UsersTestData.Noon;
        var day2 = UsersTestData.Noon.AddDays(1);
        await Charger.ChargeAsync(UsersTestData.Usage(userId, at: day1), default);
        await Charger.ChargeAsync(UsersTestData.Usage(userId, at: day2), default);
        await Charger.ChargeAsync(UsersTestData.Usage(userId, prompt: 1_000_000, hit: 0, completion: 0, model: "other-model", at: day2), default);

        var report = await Accounts.UsageAsync(userId, DateOnly.FromDateTime(day1.UtcDateTime), DateOnly.FromDateTime(day2.UtcDateTime), default);

        report.Lines.Select(l => (l.Date, l.Model, l.Requests, l.Cost)).Should().Equal(
            ("2026-03-10", "deepseek-chat", 1L, "0.000389"),
            ("2026-03-11", "deepseek-chat", 1L, "0.000389"),
            ("2026-03-11", "other-model", 1L, "2.00"));
        report.Lines[0].PromptCacheMissTokens.Should().Be(600);
        report.Lines[0].TotalTokens.Should().Be(1500);
    }

    [Fact]
    public async Task Top_ups_and_charges_never_lose_each_other_under_concurrency()
    {
        var userId = UsersTestData.NewUserId();
        await Accounts.CreateAsync(userId, "Dan", null, 0m, default);
        var charges = Enumerable.Range(0, 10).Select(_ => UsersTestData.Usage(userId, prompt: 0, hit: 0, completion: 1_000_000)).ToList();

        await Task.WhenAll(
            charges.Select(c => (Task)Charger.ChargeAsync(c, default))
                .Concat(Enumerable.Range(0, 10).Select(_ => (Task)Accounts.TopUpAsync(userId, 1m, granted: false, default))));

        var account = await Accounts.GetAsync(userId, default);
        account!.TotalBalance.Should().Be(10m - 10 * 0.42m);
    }
}
