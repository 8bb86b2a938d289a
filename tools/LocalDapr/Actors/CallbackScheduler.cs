using Microsoft.Extensions.Logging;

namespace LocalDapr.Actors;

/// <summary>
/// Runs the reminders or timers of actors: one loop per (actor, name) that waits for the due time, fires, and
/// moves to the next period until the schedule ends, the callback asks to stop, or it is cancelled/replaced.
/// </summary>
internal sealed partial class CallbackScheduler(TimeProvider time, ILogger<CallbackScheduler> logger) : IDisposable
{
    private readonly Dictionary<(ActorKey Actor, string Name), CancellationTokenSource> _jobs = [];

    /// <param name="fire">Fires once; returns false when the app asked to cancel.</param>
    /// <param name="advanced">Told the next schedule after each firing (null when finished), unless cancelled.</param>
    public void Schedule(
        ActorKey actor,
        string name,
        ActorSchedule schedule,
        Func<ActorSchedule, CancellationToken, Task<bool>> fire,
        Func<ActorSchedule?, CancellationToken, Task> advanced)
    {
        var cts = new CancellationTokenSource();
        lock (_jobs)
        {
            if (_jobs.Remove((actor, name), out var previous))
            {
                previous.Cancel();
                previous.Dispose();
            }

            _jobs[(actor, name)] = cts;
        }

        _ = Task.Run(() => RunAsync(actor, name, schedule, fire, advanced, cts));
    }

    public bool Cancel(ActorKey actor, string name)
    {
        lock (_jobs)
        {
            if (!_jobs.Remove((actor, name), out var cts))
            {
                return false;
            }

            cts.Cancel();
            cts.Dispose();
            return true;
        }
    }

    public void CancelAll(ActorKey actor)
    {
        lock (_jobs)
        {
            foreach (var key in _jobs.Keys.Where(k => k.Actor == actor).ToArray())
            {
                _jobs.Remove(key, out var cts);
                cts!.Cancel();
                cts.Dispose();
            }
        }
    }

    public bool Contains(ActorKey actor, string name)
    {
        lock (_jobs)
        {
            return _jobs.ContainsKey((actor, name));
        }
    }

    public void Dispose()
    {
        lock (_jobs)
        {
            foreach (var cts in _jobs.Values)
            {
                cts.Cancel();
                cts.Dispose();
            }

            _jobs.Clear();
        }
    }

    private async Task RunAsync(
        ActorKey actor,
        string name,
        ActorSchedule schedule,
        Func<ActorSchedule, CancellationToken, Task<bool>> fire,
        Func<ActorSchedule?, CancellationToken, Task> advanced,
        CancellationTokenSource cts)
    {
        CancellationToken token;
        try
        {
            token = cts.Token;
        }
        catch (ObjectDisposedException)
        {
            return; // replaced before it started
        }

        try
        {
            ActorSchedule? current = schedule;
            while (current is not null)
            {
                var wait = current.DueAt - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, token);
                }

                var keep = true;
                try
                {
                    keep = await fire(current, token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // daprd keeps a failed reminder/timer scheduled; the next period tries again.
                    LogFireFailed(ex, actor.ToString(), name);
                }

                current = keep ? current.Next(time.GetUtcNow()) : null;
                token.ThrowIfCancellationRequested();
                await advanced(current, token);
            }

            lock (_jobs)
            {
                if (_jobs.TryGetValue((actor, name), out var mine) && ReferenceEquals(mine, cts))
                {
                    _jobs.Remove((actor, name));
                    cts.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Deleted, replaced or shutting down.
        }
        catch (Exception ex)
        {
            LogFireFailed(ex, actor.ToString(), name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Actor {Actor}: callback {Name} failed")]
    private partial void LogFireFailed(Exception exception, string actor, string name);
}
