using DeepSeek.Dapr.Users.Actors;

namespace Services.Tests.Users;

public sealed class OpenHoldsTests
{
    private static readonly DateTimeOffset Now = UsersTestData.Noon;

    [Fact]
    public void Sums_follow_every_add_and_remove_and_a_request_finds_its_hold_while_it_is_open()
    {
        var holds = new OpenHolds();
        holds.Add("r1", Hold("req-1", 0.5m, 100, expiresIn: 60));
        holds.Add("r2", Hold("req-2", 0.25m, 40, expiresIn: 60));

        holds.Should().Match<OpenHolds>(h => h.Count == 2 && h.Amount == 0.75m && h.Tokens == 140);
        holds.ReservationOf("req-2").Should().Be("r2");

        holds.Remove("r2").Should().BeTrue();
        holds.Remove("r2").Should().BeFalse("a hold ends once");
        holds.Remove("never-made").Should().BeFalse();
        holds.Remove(null).Should().BeFalse();

        holds.Should().Match<OpenHolds>(h => h.Count == 1 && h.Amount == 0.5m && h.Tokens == 100);
        holds.ReservationOf("req-2").Should().BeNull();
        holds.ReservationOf("req-1").Should().Be("r1");
    }

    [Fact]
    public void Only_holds_past_their_expiry_are_dropped()
    {
        var holds = new OpenHolds();
        holds.Add("old", Hold("req-old", 1m, 10, expiresIn: -1));
        holds.Add("due", Hold("req-due", 2m, 20, expiresIn: 0));
        holds.Add("young", Hold("req-young", 4m, 40, expiresIn: 1));

        holds.RemoveExpired(Now).Should().Be(2);

        holds.Should().Match<OpenHolds>(h => h.Count == 1 && h.Amount == 4m && h.Tokens == 40);
        holds.ReservationOf("req-old").Should().BeNull();
        holds.RemoveExpired(Now).Should().Be(0);
    }

    private static Hold Hold(string requestId, decimal amount, long tokens, int expiresIn) =>
        new(requestId, null, "deepseek-chat", amount, tokens, Now.AddSeconds(-600), Now.AddSeconds(expiresIn));
}
