using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Accounting;
using Microsoft.Extensions.Options;
using Services.Tests.Users.Support;

namespace Services.Tests.GatewayAi;

/// <summary>The replica's degraded budget per user: who is eligible, the minute window, and forgetting on change.</summary>
public sealed class LocalAllowanceTests
{
    private readonly FixedTime _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LocalAllowance _allowance;

    public LocalAllowanceTests() => _allowance = new LocalAllowance(
        Options.Create(new DegradedAllowanceOptions { RequestsPerMinute = 2, TokensPerMinute = 1000, VouchSeconds = 600 }), _clock);

    [Fact]
    public void A_user_users_never_allowed_is_unknown()
    {
        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
    }

    [Fact]
    public void Requests_per_minute_are_counted_and_retry_after_points_at_the_next_window()
    {
        _allowance.Vouch("alice");

        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
        _clock.Now += TimeSpan.FromSeconds(20);
        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
        var third = _allowance.TryTake("alice", 10);

        third.Verdict.Should().Be(AllowanceVerdict.Exhausted);
        third.RetryAfterSeconds.Should().Be(40);
        _clock.Now += TimeSpan.FromSeconds(40);
        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
    }

    [Fact]
    public void Estimated_tokens_per_minute_are_capped()
    {
        _allowance.Vouch("alice");

        _allowance.TryTake("alice", 900).Verdict.Should().Be(AllowanceVerdict.Admitted);
        _allowance.TryTake("alice", 200).Verdict.Should().Be(AllowanceVerdict.Exhausted);
        _allowance.TryTake("alice", 100).Verdict.Should().Be(AllowanceVerdict.Admitted, "a smaller request still fits");
    }

    [Fact]
    public void Users_are_budgeted_separately()
    {
        _allowance.Vouch("alice");
        _allowance.Vouch("bob");
        _allowance.TryTake("alice", 10);
        _allowance.TryTake("alice", 10);

        _allowance.TryTake("bob", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
    }

    [Fact]
    public void A_vouch_lasts_only_its_window()
    {
        _allowance.Vouch("alice");

        _clock.Now += TimeSpan.FromSeconds(601);

        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
    }

    [Fact]
    public void A_refusal_or_an_account_change_ends_eligibility()
    {
        _allowance.Vouch("alice");
        _allowance.Vouch("bob");
        _allowance.Vouch("carol");

        _allowance.Revoke("alice");
        _allowance.Forget("bob");

        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
        _allowance.TryTake("bob", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
        _allowance.TryTake("carol", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
        _allowance.Forget("*");
        _allowance.TryTake("carol", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
    }

    [Fact]
    public void The_plan_limits_users_reported_replace_the_configured_ones()
    {
        _allowance.Vouch("alice", new AccountHeadroom(RequestsPerMinute: 4, TokensPerMinute: 0, AvailableAfterHold: 100m, HoldAmount: 0.01m));

        Enumerable.Range(0, 4).Select(_ => _allowance.TryTake("alice", 5000).Verdict).ToList()
            .Should().AllBeEquivalentTo(AllowanceVerdict.Admitted, "the plan allows 4 a minute and no token limit, above the configured 2 and 1000");
        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Exhausted);
    }

    [Fact]
    public void A_plan_without_a_request_limit_stops_at_the_configured_ceiling()
    {
        var allowance = new LocalAllowance(Options.Create(new DegradedAllowanceOptions { UnlimitedRequestsPerMinute = 3 }), _clock);
        allowance.Vouch("alice", new AccountHeadroom(0, 0, AvailableAfterHold: 100m, HoldAmount: 0.01m));

        Enumerable.Range(0, 3).Select(_ => allowance.TryTake("alice", 10).Verdict).ToList().Should().AllBeEquivalentTo(AllowanceVerdict.Admitted);
        allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Exhausted);
    }

    [Fact]
    public void Only_a_share_of_the_money_left_is_spent_and_a_new_vouch_renews_it()
    {
        // Half of 1.00 left, in holds of 0.10: five degraded requests, then only users can say.
        var headroom = new AccountHeadroom(0, 0, AvailableAfterHold: 1.00m, HoldAmount: 0.10m);
        var allowance = new LocalAllowance(Options.Create(new DegradedAllowanceOptions { BalanceShare = 0.5m }), _clock);
        allowance.Vouch("alice", headroom);

        Enumerable.Range(0, 5).Select(_ => allowance.TryTake("alice", 10).Verdict).ToList().Should().AllBeEquivalentTo(AllowanceVerdict.Admitted);
        allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);

        allowance.Vouch("alice", headroom);
        allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Admitted);
    }

    [Fact]
    public void A_user_with_no_money_left_is_not_admitted_on_its_own()
    {
        _allowance.Vouch("alice", new AccountHeadroom(0, 0, AvailableAfterHold: 0m, HoldAmount: 0.10m));

        _allowance.TryTake("alice", 10).Verdict.Should().Be(AllowanceVerdict.Unknown);
    }
}
