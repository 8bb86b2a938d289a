using DeepSeek.Dapr.Users.Actors;

namespace Services.Tests.Users;

public sealed class UsageLedgerTests
{
    private static readonly DateOnly Day = DateOnly.FromDateTime(UsersTestData.Noon.UtcDateTime);

    [Fact]
    public void Usage_adds_up_per_model_and_per_key_and_model()
    {
        var ledger = DayLedger.Empty();
        var userId = UsersTestData.NewUserId();
        UsageLedger.Add(ledger, UsersTestData.Usage(userId) with { KeyId = "k1" }, 0.5m);
        UsageLedger.Add(ledger, UsersTestData.Usage(userId) with { KeyId = "k2" }, 0.25m);
        UsageLedger.Add(ledger, UsersTestData.Usage(userId, model: "other") with { KeyId = null }, 1m);

        var all = UsageLedger.Lines(Day, ledger, null).ToList();
        all.Select(l => (l.Model, l.Requests, l.Cost, l.KeyId)).Should().Equal(("deepseek-chat", 2L, "0.75", (string?)null), ("other", 1L, "1.00", null));
        all[0].PromptCacheHitTokens.Should().Be(800);
        all[0].PromptCacheMissTokens.Should().Be(1200);
        all[0].TotalTokens.Should().Be(3000);
        ledger.TotalTokens.Should().Be(4500);

        UsageLedger.Lines(Day, ledger, "k2").Should().ContainSingle().Which.Should().Match<DeepSeek.Dapr.Contracts.Internal.UsageLine>(
            l => l.KeyId == "k2" && l.Requests == 1 && l.Cost == "0.25" && l.Date == "2026-03-10");
        UsageLedger.Lines(Day, ledger, "unknown").Should().BeEmpty();
    }

    [Fact]
    public void Cache_hits_beyond_the_prompt_and_negative_counts_are_clamped()
    {
        var ledger = DayLedger.Empty();
        UsageLedger.Add(ledger, UsersTestData.Usage("u", prompt: 100, hit: 500, completion: -3), 0m);

        var line = UsageLedger.Lines(Day, ledger, null).Single();
        line.PromptCacheHitTokens.Should().Be(100);
        line.PromptCacheMissTokens.Should().Be(0);
        line.CompletionTokens.Should().Be(0);
    }
}
