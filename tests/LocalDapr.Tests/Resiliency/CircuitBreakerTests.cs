using LocalDapr.Resiliency;

namespace LocalDapr.Tests.Resiliency;

public sealed class CircuitBreakerTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void Trips_after_the_expression_holds_then_half_opens_after_the_timeout_and_closes_on_success()
    {
        var breaker = Create(maxRequests: 1, trip: "consecutiveFailures >= 2");

        Fail(breaker);
        breaker.State.Should().Be(BreakerState.Closed);
        Fail(breaker);
        breaker.State.Should().Be(BreakerState.Open);
        breaker.TryEnter(out _).Should().BeFalse();

        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.State.Should().Be(BreakerState.HalfOpen);
        breaker.TryEnter(out var probe).Should().BeTrue();
        breaker.TryEnter(out _).Should().BeFalse("only maxRequests probes may run while half-open");
        breaker.Exit(probe, success: true);
        breaker.State.Should().Be(BreakerState.Closed);
    }

    [Fact]
    public void A_failed_probe_reopens_the_breaker()
    {
        var breaker = Create(maxRequests: 2, trip: "consecutiveFailures >= 1");
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(10));

        breaker.TryEnter(out var first).Should().BeTrue();
        breaker.TryEnter(out var second).Should().BeTrue();
        breaker.Exit(first, success: true);
        breaker.State.Should().Be(BreakerState.HalfOpen, "two consecutive successes are needed with maxRequests 2");
        breaker.Exit(second, success: false);
        breaker.State.Should().Be(BreakerState.Open);
    }

    [Fact]
    public void Interval_clears_the_counts_while_closed()
    {
        var breaker = Create(maxRequests: 1, trip: "consecutiveFailures >= 2", interval: TimeSpan.FromSeconds(5));
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(6));
        Fail(breaker);

        breaker.State.Should().Be(BreakerState.Closed);
    }

    [Fact]
    public void Results_from_an_older_generation_are_ignored()
    {
        var breaker = Create(maxRequests: 1, trip: "consecutiveFailures >= 1");
        breaker.TryEnter(out var slow).Should().BeTrue();
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.State.Should().Be(BreakerState.HalfOpen);

        breaker.Exit(slow, success: true);

        breaker.State.Should().Be(BreakerState.HalfOpen);
    }

    private CircuitBreaker Create(uint maxRequests, string trip, TimeSpan? interval = null) =>
        new("test", new BreakerPolicy("cb", maxRequests, interval ?? TimeSpan.Zero, TimeSpan.FromSeconds(10), TripExpression.Compile(trip)), _time);

    private static void Fail(CircuitBreaker breaker)
    {
        breaker.TryEnter(out var generation).Should().BeTrue();
        breaker.Exit(generation, success: false);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
