using System.Collections.Concurrent;
using LocalDapr.Abstractions;

namespace LocalDapr.Actors;

/// <summary>
/// What daprd's placement service does for one node with replicas: an active actor lives on exactly one instance of
/// its hosting app. The instance is picked by a stable hash of the actor key over the healthy instances when the
/// actor is first called, and kept while it stays healthy, so a replicated host never runs one actor id twice
/// (each copy would cache its own state). When that instance leaves the rotation, the next call places the actor
/// on a healthy one; it reads its state back from the store there.
/// </summary>
internal sealed class ActorPlacement(IAppInstanceRegistry instances, IAppChannel channel)
{
    private readonly ConcurrentDictionary<ActorKey, AppInstance> _placed = new();
    private readonly ConcurrentDictionary<AppInstance, IAppChannel> _channels = new();

    /// <summary>The channel to the actor's instance; null when the hosting app has no healthy instance.</summary>
    public IAppChannel? ChannelFor(string hostAppId, ActorKey actor)
    {
        if (!_placed.TryGetValue(actor, out var instance) || !instances.IsHealthy(instance))
        {
            var healthy = instances.HealthyInstances(hostAppId);
            if (healthy.Count == 0)
            {
                return null;
            }

            instance = healthy.Count == 1 ? healthy[0] : healthy.OrderBy(i => i.AppPort).ElementAt((int)(StableHash(actor) % (uint)healthy.Count));
            _placed[actor] = instance;
        }

        return _channels.GetOrAdd(instance, static (key, owner) => owner.ForInstance(key), channel);
    }

    /// <summary>The actor was deactivated: its next call may place it anew.</summary>
    public void Forget(ActorKey actor) => _placed.TryRemove(actor, out _);

    /// <summary>FNV-1a over type and id: the same actor maps to the same instance in every run (string.GetHashCode does not).</summary>
    private static uint StableHash(ActorKey actor)
    {
        var hash = 2166136261u;
        foreach (var c in actor.Type)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ '|') * 16777619u;
        foreach (var c in actor.Id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
