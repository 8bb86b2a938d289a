using LocalDapr.Telemetry;

namespace LocalDapr.Resiliency;

public enum BreakerState
{
    Closed,
    HalfOpen,
    Open,
}

/// <summary>
/// gobreaker's state machine, as daprd uses it: closed → open when <c>trip</c> holds after a failure; open for
/// <c>timeout</c>, then half-open letting <c>maxRequests</c> probes through; that many consecutive successes close
/// it, any failure re-opens it. In closed state the counts reset every <c>interval</c> (0 = never). Each state
/// change starts a new generation, so results of calls begun in an older generation are ignored.
/// </summary>
public sealed class CircuitBreaker(string target, BreakerPolicy policy, TimeProvider time)
{
    private readonly object _gate = new();
    private BreakerState _state = BreakerState.Closed;
    private ulong _generation;
    private BreakerCounts _counts;
    private DateTimeOffset _expiry = policy.Interval > TimeSpan.Zero ? time.GetUtcNow() + policy.Interval : DateTimeOffset.MaxValue;

    public string Target { get; } = target;

    public BreakerState State
    {
        get
        {
            lock (_gate)
            {
                return CurrentState(time.GetUtcNow());
            }
        }
    }

    /// <summary>False when the call must be refused (open, or half-open with all probes in flight).</summary>
    public bool TryEnter(out ulong generation)
    {
        lock (_gate)
        {
            var state = CurrentState(time.GetUtcNow());
            generation = _generation;
            if (state == BreakerState.Open || (state == BreakerState.HalfOpen && _counts.Requests >= policy.MaxRequests))
            {
                return false;
            }

            _counts = _counts with { Requests = _counts.Requests + 1 };
            return true;
        }
    }

    public void Exit(ulong generation, bool success)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var state = CurrentState(now);
            if (generation != _generation)
            {
                return;
            }

            if (success)
            {
                _counts = _counts with
                {
                    TotalSuccesses = _counts.TotalSuccesses + 1,
                    ConsecutiveSuccesses = _counts.ConsecutiveSuccesses + 1,
                    ConsecutiveFailures = 0,
                };
                if (state == BreakerState.HalfOpen && _counts.ConsecutiveSuccesses >= policy.MaxRequests)
                {
                    SetState(BreakerState.Closed, now);
                }

                return;
            }

            _counts = _counts with
            {
                TotalFailures = _counts.TotalFailures + 1,
                ConsecutiveFailures = _counts.ConsecutiveFailures + 1,
                ConsecutiveSuccesses = 0,
            };
            if (state == BreakerState.HalfOpen || (state == BreakerState.Closed && policy.Trip(_counts)))
            {
                SetState(BreakerState.Open, now);
            }
        }
    }

    private BreakerState CurrentState(DateTimeOffset now)
    {
        if (_state == BreakerState.Closed && _expiry <= now)
        {
            NewGeneration(now);
        }
        else if (_state == BreakerState.Open && _expiry <= now)
        {
            SetState(BreakerState.HalfOpen, now);
        }

        return _state;
    }

    private void SetState(BreakerState state, DateTimeOffset now)
    {
        if (_state == state)
        {
            return;
        }

        _state = state;
        NewGeneration(now);
        LocalDaprTelemetry.RecordBreakerState(Target, state.ToString());
        StateChanged?.Invoke(this, state);
    }

    private void NewGeneration(DateTimeOffset now)
    {
        _generation++;
        _counts = default;
        _expiry = _state switch
        {
            BreakerState.Closed => policy.Interval > TimeSpan.Zero ? now + policy.Interval : DateTimeOffset.MaxValue,
            BreakerState.Open => now + policy.Timeout,
            _ => DateTimeOffset.MaxValue,
        };
    }

    /// <summary>Raised under the breaker's lock: handlers must be quick (logging).</summary>
    public event Action<CircuitBreaker, BreakerState>? StateChanged;
}
