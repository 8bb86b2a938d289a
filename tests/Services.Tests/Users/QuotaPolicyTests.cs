using DeepSeek.Dapr.Users;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Quota;

namespace Services.Tests.Users;

/// <summary>Each limit just below (allowed) and at/over (refused with the documented status).</summary>
public sealed class QuotaPolicyTests
{
    private static readonly DateTimeOffset Now = UsersTestData.Noon; // 12:00:20 UTC

    private static UserAccount Account(decimal balance = 10m) => new("u", "U", "default", DateTimeOffset.UnixEpoch, "USD", balance, 0m);

    private static PlanOptions Plan(int rpm = 0, long tpm = 0, long tpd = 0, params string[] models) =>
        new() { RequestsPerMinute = rpm, TokensPerMinute = tpm, TokensPerDay = tpd, AllowedModels = [.. models] };

    [Fact]
    public void Unknown_user_is_forbidden()
    {
        var decision = QuotaPolicy.Decide(null, Plan(), "deepseek-chat", 10, 0, RateWindow.Empty, Now);

        decision.Should().Match<DeepSeek.Dapr.Contracts.Internal.QuotaDecision>(d => !d.Allowed && d.Status == 403);
    }

    [Fact]
    public void Model_outside_the_plan_is_forbidden_and_inside_it_allowed()
    {
        var plan = Plan(models: "deepseek-chat");

        QuotaPolicy.Decide(Account(), plan, "deepseek-reasoner", 10, 0, RateWindow.Empty, Now).Status.Should().Be(403);
        QuotaPolicy.Decide(Account(), plan, "DeepSeek-Chat", 10, 0, RateWindow.Empty, Now).Allowed.Should().BeTrue();
        QuotaPolicy.Decide(Account(), Plan(), "anything", 10, 0, RateWindow.Empty, Now).Allowed.Should().BeTrue();
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("-0.01", false)]
    [InlineData("0.000001", true)]
    public void Balance_must_be_positive(string balance, bool allowed)
    {
        var decision = QuotaPolicy.Decide(Account(decimal.Parse(balance, System.Globalization.CultureInfo.InvariantCulture)), Plan(), "m", 10, 0, RateWindow.Empty, Now);

        decision.Allowed.Should().Be(allowed);
        decision.Status.Should().Be(allowed ? 200 : 402);
    }

    [Fact]
    public void Requests_per_minute_boundary_answers_429_with_seconds_to_the_next_minute()
    {
        QuotaPolicy.Decide(Account(), Plan(rpm: 10), "m", 1, 0, new RateWindow(9, 0), Now).Allowed.Should().BeTrue();

        var refused = QuotaPolicy.Decide(Account(), Plan(rpm: 10), "m", 1, 0, new RateWindow(10, 0), Now);
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().Be(40);
    }

    [Fact]
    public void Tokens_per_day_boundary_answers_429_until_midnight()
    {
        QuotaPolicy.Decide(Account(), Plan(tpd: 1000), "m", 100, 900, RateWindow.Empty, Now).Allowed.Should().BeTrue();

        var refused = QuotaPolicy.Decide(Account(), Plan(tpd: 1000), "m", 101, 900, RateWindow.Empty, Now);
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().Be((int)(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(20)).TotalSeconds);
    }

    [Fact]
    public void Tokens_per_minute_boundary_admits_a_large_request_only_into_an_empty_minute()
    {
        QuotaPolicy.Decide(Account(), Plan(tpm: 1000), "m", 400, 0, new RateWindow(1, 600), Now).Allowed.Should().BeTrue();
        QuotaPolicy.Decide(Account(), Plan(tpm: 1000), "m", 401, 0, new RateWindow(1, 600), Now).Status.Should().Be(429);
        QuotaPolicy.Decide(Account(), Plan(tpm: 1000), "m", 5000, 0, RateWindow.Empty, Now).Allowed.Should().BeTrue();
    }

    [Fact]
    public void Permission_is_checked_before_money_and_money_before_rate()
    {
        var broke = Account(0m);
        QuotaPolicy.Decide(broke, Plan(rpm: 1, models: "a"), "b", 1, 0, new RateWindow(5, 0), Now).Status.Should().Be(403);
        QuotaPolicy.Decide(broke, Plan(rpm: 1), "b", 1, 0, new RateWindow(5, 0), Now).Status.Should().Be(402);
    }
}
