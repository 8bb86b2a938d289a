using LocalDapr.Actors;

namespace LocalDapr.Tests.Actors;

public sealed class ActorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("0h0m5s0ms", 5)]
    [InlineData("5s", 5)]
    [InlineData("PT5S", 5)]
    [InlineData("1m30s", 90)]
    public void Due_time_durations_in_every_accepted_form(string dueTime, int seconds)
    {
        ActorSchedule.Parse(dueTime, null, null, Now).DueAt.Should().Be(Now.AddSeconds(seconds));
    }

    [Fact]
    public void Due_time_may_be_an_absolute_rfc3339_time()
    {
        ActorSchedule.Parse("2026-01-02T03:05:00Z", null, null, Now).DueAt.Should().Be(new DateTimeOffset(2026, 1, 2, 3, 5, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Iso_repetitions_limit_the_firings()
    {
        var schedule = ActorSchedule.Parse("0h0m0s0ms", "R2/PT1M", null, Now);

        schedule.Period.Should().Be(TimeSpan.FromMinutes(1));
        var second = schedule.Next(Now);
        second.Should().NotBeNull();
        second!.DueAt.Should().Be(Now.AddMinutes(1));
        second.Next(Now.AddMinutes(1)).Should().BeNull("R2 means two firings");
    }

    [Fact]
    public void Without_period_a_callback_fires_once()
    {
        ActorSchedule.Parse("1s", "", null, Now).Next(Now.AddSeconds(1)).Should().BeNull();
        ActorSchedule.Parse("1s", "0h0m0s0ms", null, Now).Next(Now.AddSeconds(1)).Should().BeNull();
    }

    [Fact]
    public void Periodic_schedule_stops_at_its_ttl()
    {
        var schedule = ActorSchedule.Parse("0s", "0h0m10s0ms", "25s", Now);

        var second = schedule.Next(Now)!;
        var third = second.Next(second.DueAt)!;
        third.DueAt.Should().Be(Now.AddSeconds(20));
        third.Next(third.DueAt).Should().BeNull("the next firing would be after the ttl");
    }

    [Theory]
    [InlineData("soon", null)]
    [InlineData("1s", "R/PT1S")]
    [InlineData("1s", "every minute")]
    public void Bad_schedules_are_rejected(string dueTime, string? period)
    {
        var parse = () => ActorSchedule.Parse(dueTime, period, null, Now);

        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void Dapr_config_of_the_sdk_is_read_with_per_type_overrides()
    {
        var json = """
            {"entities":["A","B"],"actorIdleTimeout":"0h5m0s0ms","actorScanInterval":"0h0m2s0ms","drainOngoingCallTimeout":"0h1m0s0ms",
             "drainRebalancedActors":true,"reentrancy":{"enabled":false,"maxStackDepth":32},
             "entitiesConfig":[{"entities":["B"],"actorIdleTimeout":"0h0m7s0ms","reentrancy":{"enabled":true}}]}
            """u8;

        var config = ActorHostConfigParser.Parse("app", json)!;

        config.ScanInterval.Should().Be(TimeSpan.FromSeconds(2));
        config.Types["A"].Should().Be(new ActorTypeOptions("app", "A", TimeSpan.FromMinutes(5), false));
        config.Types["B"].Should().Be(new ActorTypeOptions("app", "B", TimeSpan.FromSeconds(7), true));
    }

    [Fact]
    public void Dapr_config_without_entities_means_no_actors()
    {
        ActorHostConfigParser.Parse("app", """{"entities":[],"reentrancy":{"enabled":false}}"""u8).Should().BeNull();
    }
}
