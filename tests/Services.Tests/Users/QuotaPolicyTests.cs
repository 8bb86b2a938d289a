using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users;
using DeepSeek.Dapr.Users.Actors;
using DeepSeek.Dapr.Users.Quota;

namespace Services.Tests.Users;

/// <summary>Each limit just below (allowed) and at/over (refused with the documented status).</summary>
public sealed class QuotaPolicyTests
{
    private static readonly DateTimeOffset Now = UsersTestData.Noon; // 12:00:20 UTC
    private static readonly MinuteWindow EmptyMinute = MinuteWindow.Current(null, Now);

    private static AccountState Account(decimal balance = 10m) => new("U", "default", "USD", balance, 0m, DateTimeOffset.UnixEpoch);

    private static PlanOptions Plan(int rpm = 0, long tpm = 0, long tpd = 0, int parallel = 0, params string[] models) =>
        new() { RequestsPerMinute = rpm, TokensPerMinute = tpm, TokensPerDay = tpd, MaxParallelRequests = parallel, AllowedModels = [.. models] };

    private static QuotaSnapshot State(
        AccountState? account, PlanOptions plan, decimal held = 0m, long heldTokens = 0, int holds = 0, long today = 0, MinuteWindow? minute = null) =>
        new(account, plan, held, heldTokens, holds, today, minute ?? EmptyMinute);

    private static MinuteWindow Minute(int requests, long tokens) => EmptyMinute with { Requests = requests, Tokens = tokens };

    private static QuotaDecision Decide(QuotaSnapshot state, long tokens = 10, decimal hold = 0.01m, string model = "m") =>
        QuotaPolicy.Decide(state, model, hold, tokens, Now);

    [Fact]
    public void Unknown_user_is_forbidden()
    {
        Decide(State(null, Plan())).Should().Match<QuotaDecision>(d => !d.Allowed && d.Status == 403);
    }

    [Fact]
    public void Model_outside_the_plan_is_forbidden_and_inside_it_allowed()
    {
        var plan = Plan(models: "deepseek-chat");

        Decide(State(Account(), plan), model: "deepseek-reasoner").Status.Should().Be(403);
        Decide(State(Account(), plan), model: "DeepSeek-Chat").Allowed.Should().BeTrue();
        Decide(State(Account(), Plan()), model: "anything").Allowed.Should().BeTrue();
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("-0.01", false)]
    [InlineData("0.000001", true)]
    public void Balance_must_be_positive(string balance, bool allowed)
    {
        var decision = Decide(State(Account(decimal.Parse(balance, System.Globalization.CultureInfo.InvariantCulture)), Plan()), hold: 0m);

        decision.Allowed.Should().Be(allowed);
        decision.Status.Should().Be(allowed ? 200 : 402);
    }

    [Fact]
    public void A_hold_must_fit_in_the_balance_left_after_open_holds()
    {
        Decide(State(Account(1m), Plan(), held: 0.75m), hold: 0.25m).Allowed.Should().BeTrue();

        var refused = Decide(State(Account(1m), Plan(), held: 0.75m), hold: 0.2500001m);
        refused.Status.Should().Be(402);
        refused.RetryAfterSeconds.Should().BeNull();
    }

    [Fact]
    public void Requests_per_minute_boundary_answers_429_with_seconds_to_the_next_minute()
    {
        Decide(State(Account(), Plan(rpm: 10), minute: Minute(9, 0))).Allowed.Should().BeTrue();

        var refused = Decide(State(Account(), Plan(rpm: 10), minute: Minute(10, 0)));
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().Be(40);
    }

    [Fact]
    public void Tokens_per_day_count_settled_and_held_tokens_and_answer_429_until_midnight()
    {
        Decide(State(Account(), Plan(tpd: 1000), today: 800, heldTokens: 100), tokens: 100).Allowed.Should().BeTrue();

        var refused = Decide(State(Account(), Plan(tpd: 1000), today: 800, heldTokens: 100), tokens: 101);
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().Be((int)(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(20)).TotalSeconds);
    }

    [Fact]
    public void Tokens_per_minute_boundary_admits_a_large_request_only_into_an_empty_minute()
    {
        Decide(State(Account(), Plan(tpm: 1000), minute: Minute(1, 600)), tokens: 400).Allowed.Should().BeTrue();
        Decide(State(Account(), Plan(tpm: 1000), minute: Minute(1, 600)), tokens: 401).Status.Should().Be(429);
        Decide(State(Account(), Plan(tpm: 1000)), tokens: 5000).Allowed.Should().BeTrue();
    }

    [Fact]
    public void Max_parallel_requests_counts_open_holds_and_asks_to_retry_in_a_second()
    {
        Decide(State(Account(), Plan(parallel: 2), holds: 1)).Allowed.Should().BeTrue();

        var refused = Decide(State(Account(), Plan(parallel: 2), holds: 2));
        refused.Status.Should().Be(429);
        refused.RetryAfterSeconds.Should().Be(1);
    }

    [Fact]
    public void Permission_is_checked_before_money_and_money_before_rate()
    {
        var broke = Account(0m);
        Decide(State(broke, Plan(rpm: 1, models: "a"), minute: Minute(5, 0)), model: "b").Status.Should().Be(403);
        Decide(State(broke, Plan(rpm: 1), minute: Minute(5, 0)), model: "b").Status.Should().Be(402);
        Decide(State(Account(), Plan(rpm: 1, parallel: 1), holds: 1, minute: Minute(5, 0))).RetryAfterSeconds.Should().Be(40, "the minute limit is reported before parallelism");
    }

    [Fact]
    public void A_window_of_an_earlier_minute_no_longer_counts()
    {
        var stale = new MinuteWindow(MinuteWindow.MinuteOf(Now) - 1, 100, 100_000);

        MinuteWindow.Current(stale, Now).Should().Be(new MinuteWindow(MinuteWindow.MinuteOf(Now), 0, 0));
        MinuteWindow.Current(EmptyMinute with { Requests = 3 }, Now).Requests.Should().Be(3);
    }

    [Fact]
    public void Estimated_tokens_are_prompt_plus_max_completion_never_negative()
    {
        QuotaPolicy.EstimatedTokens(new ReservationRequest("r", null, "m", 1000, 500)).Should().Be(1500);
        QuotaPolicy.EstimatedTokens(new ReservationRequest("r", null, "m", -5, 7)).Should().Be(7);
    }
}
