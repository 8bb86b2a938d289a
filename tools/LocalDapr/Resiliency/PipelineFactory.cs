using LocalDapr.Abstractions;
using Polly;
using Polly.Retry;

namespace LocalDapr.Resiliency;

/// <summary>Builds daprd's composition: retry( circuit breaker( timeout per attempt ( call ) ) ).</summary>
internal static class PipelineFactory
{
    private static readonly TimeSpan InitialExponentialInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    public static ResiliencePipeline Build(TargetPolicies policies, CircuitBreaker? breaker, TimeProvider time) =>
        BuildWithBreakers(policies, breaker is null ? [] : [breaker], time);

    /// <param name="breakers">Outermost first; an attempt must pass all of them (actor breakers scoped by type and by id).</param>
    public static ResiliencePipeline BuildWithBreakers(TargetPolicies policies, IReadOnlyList<CircuitBreaker> breakers, TimeProvider time)
    {
        if (policies.IsEmpty)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (policies.Retry is { MaxRetries: not 0 } retry)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetries < 0 ? int.MaxValue : retry.MaxRetries,
                BackoffType = DelayBackoffType.Constant,
                Delay = retry.Duration,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(retry, args.Outcome.Exception, args.Context.CancellationToken)),
                DelayGenerator = retry.Exponential
                    ? args => ValueTask.FromResult<TimeSpan?>(ExponentialDelay(args.AttemptNumber, retry.MaxInterval))
                    : null,
            });
        }

        foreach (var breaker in breakers)
        {
            builder.AddStrategy(_ => new CircuitBreakerStrategy(breaker), new CircuitBreakerStrategyOptions());
        }

        if (policies.Timeout is { } timeout && timeout > TimeSpan.Zero)
        {
            builder.AddTimeout(timeout < MinTimeout ? MinTimeout : timeout);
        }

        return builder.Build();
    }

    /// <summary>
    /// An open breaker and caller cancellation are permanent; a code outside <c>matching</c> is permanent;
    /// everything else (transport errors, per-attempt timeouts, matching codes) is retried.
    /// </summary>
    internal static bool ShouldRetry(RetryPolicy retry, Exception? exception, CancellationToken callerToken) => exception switch
    {
        null or CircuitOpenException => false,
        OperationCanceledException when callerToken.IsCancellationRequested => false,
        StatusCodeException code => retry.ShouldRetryCode(code.StatusCode),
        _ => true,
    };

    /// <summary>cenkalti/backoff as daprd configures it: 500 ms × 1.5ⁿ (capped), randomised ±50 %.</summary>
    internal static TimeSpan ExponentialDelay(int attempt, TimeSpan maxInterval)
    {
        var interval = InitialExponentialInterval.TotalMilliseconds * Math.Pow(1.5, Math.Min(attempt, 64));
        interval = Math.Min(interval, maxInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(interval * (0.5 + Random.Shared.NextDouble()));
    }
}
