using LocalDapr.Abstractions;
using Polly;

namespace LocalDapr.Resiliency;

/// <summary>Runs each attempt through a <see cref="CircuitBreaker"/>; any exception outcome counts as a failure.</summary>
internal sealed class CircuitBreakerStrategy(CircuitBreaker breaker) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (!breaker.TryEnter(out var generation))
        {
            return Outcome.FromException<TResult>(new CircuitOpenException(breaker.Target));
        }

        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            breaker.Exit(generation, success: false);
            throw;
        }

        breaker.Exit(generation, success: outcome.Exception is null);
        return outcome;
    }
}

/// <summary>Polly requires options for every strategy; the breaker's settings live in its policy.</summary>
internal sealed class CircuitBreakerStrategyOptions : ResilienceStrategyOptions
{
    public CircuitBreakerStrategyOptions() => Name = "dapr-circuit-breaker";
}
