namespace DeepSeek.Dapr.ServiceDefaults.State;

/// <summary>Outcome of one read-modify-write attempt: <see cref="Committed"/> false means an ETag conflict, so re-read and retry.</summary>
public readonly record struct Attempt<T>(bool Committed, T Result)
{
    public static Attempt<T> Done(T result) => new(true, result);
    public static Attempt<T> Conflict() => new(false, default!);
}

public sealed class StateConflictException(string operation, int attempts)
    : Exception($"{operation}: still conflicting after {attempts} attempts");

/// <summary>
/// Retries a read-modify-write against <see cref="IJsonStateStore"/> until its conditional commit succeeds. A small
/// randomised pause between attempts spreads out writers that collided on the same document.
/// </summary>
public static class OptimisticConcurrency
{
    public const int DefaultMaxAttempts = 100;

    public static async Task<T> RetryAsync<T>(
        string operation,
        Func<CancellationToken, Task<Attempt<T>>> attempt,
        CancellationToken cancellationToken,
        int maxAttempts = DefaultMaxAttempts)
    {
        for (var i = 1; i <= maxAttempts; i++)
        {
            var outcome = await attempt(cancellationToken);
            if (outcome.Committed)
            {
                return outcome.Result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + Math.Min(i, 20) * 2)), cancellationToken);
        }

        throw new StateConflictException(operation, maxAttempts);
    }
}
