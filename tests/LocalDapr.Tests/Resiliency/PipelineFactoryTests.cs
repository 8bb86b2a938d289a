using LocalDapr.Abstractions;
using LocalDapr.Resiliency;

namespace LocalDapr.Tests.Resiliency;

public sealed class PipelineFactoryTests
{
    private static RetryPolicy Retry(int maxRetries, string? httpCodes = null) =>
        new("r", false, TimeSpan.Zero, TimeSpan.FromSeconds(1), maxRetries, StatusCodeSet.Parse(httpCodes, 100, 599), StatusCodeSet.Empty);

    [Fact]
    public async Task Unlimited_retries_keep_going_until_success()
    {
        var pipeline = PipelineFactory.Build(new TargetPolicies(null, Retry(-1), null), null, TimeProvider.System);
        var calls = 0;

        var result = await pipeline.ExecuteAsync(_ => ++calls < 20 ? throw new StatusCodeException(503, "busy") : ValueTask.FromResult("done"));

        result.Should().Be("done");
        calls.Should().Be(20);
    }

    [Fact]
    public async Task Codes_outside_matching_and_open_breakers_are_not_retried()
    {
        var pipeline = PipelineFactory.Build(new TargetPolicies(null, Retry(5, "503"), null), null, TimeProvider.System);
        var calls = 0;

        var notMatching = () => pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new StatusCodeException(500, "boom");
        }).AsTask();
        await notMatching.Should().ThrowAsync<StatusCodeException>();
        calls.Should().Be(1);

        var open = () => pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new CircuitOpenException("t");
        }).AsTask();
        await open.Should().ThrowAsync<CircuitOpenException>();
        calls.Should().Be(2);
    }

    [Fact]
    public async Task The_breaker_wraps_each_attempt_and_refuses_once_open()
    {
        var breaker = new CircuitBreaker("t", new BreakerPolicy("cb", 1, TimeSpan.Zero, TimeSpan.FromMinutes(1), TripExpression.Compile("consecutiveFailures >= 2")), TimeProvider.System);
        var pipeline = PipelineFactory.Build(new TargetPolicies(null, Retry(5), new BreakerPolicy("cb", 1, TimeSpan.Zero, TimeSpan.FromMinutes(1), _ => true)), breaker, TimeProvider.System);
        var calls = 0;

        var act = () => pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new HttpRequestException("refused");
        }).AsTask();

        await act.Should().ThrowAsync<CircuitOpenException>();
        calls.Should().Be(2, "the third attempt meets the open breaker, which also ends the retries");
        breaker.State.Should().Be(BreakerState.Open);
    }

    [Fact]
    public void Exponential_delays_grow_by_half_and_stay_under_the_cap()
    {
        for (var i = 0; i < 50; i++)
        {
            PipelineFactory.ExponentialDelay(0, TimeSpan.FromSeconds(60)).TotalMilliseconds.Should().BeInRange(250, 750);
            PipelineFactory.ExponentialDelay(2, TimeSpan.FromSeconds(60)).TotalMilliseconds.Should().BeInRange(562.5, 1687.5);
            PipelineFactory.ExponentialDelay(40, TimeSpan.FromSeconds(3)).TotalMilliseconds.Should().BeInRange(1500, 4500);
        }
    }

    [Fact]
    public void No_policies_means_no_pipeline_work()
    {
        PipelineFactory.Build(TargetPolicies.None, null, TimeProvider.System).Should().BeSameAs(Polly.ResiliencePipeline.Empty);
    }
}
