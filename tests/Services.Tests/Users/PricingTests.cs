using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;

namespace Services.Tests.Users;

public sealed class PricingTests
{
    [Fact]
    public void Cost_prices_cache_hits_misses_and_output_per_million_tokens()
    {
        // 400 hit × 0.028 + 600 miss × 0.28 + 500 out × 0.42 = 389.2 per million.
        Pricing.Cost(UsersTestData.ChatPrice, promptTokens: 1000, promptCacheHitTokens: 400, completionTokens: 500).Should().Be(0.0003892m);
    }

    [Fact]
    public void A_million_tokens_of_each_kind_cost_exactly_the_list_prices()
    {
        Pricing.Cost(UsersTestData.ChatPrice, 1_000_000, 1_000_000, 0).Should().Be(0.028m);
        Pricing.Cost(UsersTestData.ChatPrice, 1_000_000, 0, 0).Should().Be(0.28m);
        Pricing.Cost(UsersTestData.ChatPrice, 0, 0, 1_000_000).Should().Be(0.42m);
    }

    [Fact]
    public void Cache_hits_beyond_the_prompt_are_not_trusted_and_no_price_means_free()
    {
        Pricing.Cost(UsersTestData.ChatPrice, 100, 500, 0).Should().Be(100 * 0.028m / 1_000_000m);
        Pricing.Cost(null, 100, 0, 100).Should().Be(0m);
    }

    [Fact]
    public void Many_small_charges_add_up_exactly_in_decimal()
    {
        var account = new AccountState("U", "default", "USD", 1m, 0m, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < 1000; i++)
        {
            account = Pricing.Charge(account, Pricing.Cost(UsersTestData.ChatPrice, 1000, 400, 500));
        }

        account.TotalBalance.Should().Be(1m - 1000 * 0.0003892m);
        account.TotalBalance.Should().Be(0.6108m);
    }

    [Fact]
    public void Granted_balance_is_spent_first_then_topped_up_which_may_go_negative()
    {
        var account = new AccountState("U", "default", "USD", 1.50m, 2.00m, DateTimeOffset.UnixEpoch);

        var afterOne = Pricing.Charge(account, 1.00m);
        afterOne.GrantedBalance.Should().Be(0.50m);
        afterOne.ToppedUpBalance.Should().Be(2.00m);

        var afterTwo = Pricing.Charge(afterOne, 1.00m);
        afterTwo.GrantedBalance.Should().Be(0m);
        afterTwo.ToppedUpBalance.Should().Be(1.50m);

        var overdrawn = Pricing.Charge(afterTwo, 2.00m);
        overdrawn.ToppedUpBalance.Should().Be(-0.50m);
        overdrawn.TotalBalance.Should().Be(-0.50m);
    }

    [Theory]
    [InlineData("100", "100.00")]
    [InlineData("0", "0.00")]
    [InlineData("99.9996108", "99.999611")]
    [InlineData("-0.5", "-0.50")]
    [InlineData("12.3", "12.30")]
    public void Amounts_render_like_deepseek_with_two_decimals_or_more_when_needed(string amount, string expected)
    {
        Pricing.Format(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(expected);
    }

    [Fact]
    public void Balance_has_deepseeks_shape()
    {
        var balance = AccountViews.ToBalance(View(5m, 10m));
        var json = System.Text.Json.JsonSerializer.Serialize(balance, DeepSeek.Dapr.Contracts.ContractsJsonContext.Default.UserBalance);

        json.Should().Be("""{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"15.00","granted_balance":"5.00","topped_up_balance":"10.00"}]}""");
        AccountViews.ToBalance(View(0m, 0m)).IsAvailable.Should().BeFalse();
    }

    [Fact]
    public void A_hold_prices_the_whole_prompt_as_a_cache_miss_plus_every_completion_token()
    {
        // 1000 miss × 0.28 + 500 out × 0.42 = 490 per million: more than any real outcome of that request.
        Pricing.HoldAmount(UsersTestData.ChatPrice, 1000, 500).Should().Be(0.00049m);
        Pricing.HoldAmount(UsersTestData.ChatPrice, 1000, 500).Should().BeGreaterThanOrEqualTo(Pricing.Cost(UsersTestData.ChatPrice, 1000, 0, 500));
    }

    private static AccountView View(decimal granted, decimal toppedUp) =>
        new("u", "U", "default", "USD", granted, toppedUp, DateTimeOffset.UnixEpoch, HeldAmount: 3m, OpenHolds: 1);
}
