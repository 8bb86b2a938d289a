namespace LocalDapr.Actors;

/// <summary>Active actors (called at least once and not deactivated since) with the time of their last call.</summary>
internal sealed class ActorActivity(TimeProvider time)
{
    private readonly Dictionary<ActorKey, Active> _active = [];

    public void Touch(ActorKey actor, ActorTypeOptions type)
    {
        lock (_active)
        {
            _active[actor] = new Active(type, time.GetUtcNow());
        }
    }

    /// <summary>Actors whose last call is older than their type's idle timeout.</summary>
    public IReadOnlyList<(ActorKey Actor, ActorTypeOptions Type)> Idle()
    {
        var now = time.GetUtcNow();
        lock (_active)
        {
            return _active.Where(kv => now - kv.Value.LastUsed >= kv.Value.Type.IdleTimeout).Select(kv => (kv.Key, kv.Value.Type)).ToArray();
        }
    }

    public bool IsIdle(ActorKey actor)
    {
        lock (_active)
        {
            return _active.TryGetValue(actor, out var active) && time.GetUtcNow() - active.LastUsed >= active.Type.IdleTimeout;
        }
    }

    public void Remove(ActorKey actor)
    {
        lock (_active)
        {
            _active.Remove(actor);
        }
    }

    public int Count
    {
        get
        {
            lock (_active)
            {
                return _active.Count;
            }
        }
    }

    private sealed record Active(ActorTypeOptions Type, DateTimeOffset LastUsed);
}
