using LocalDapr.Abstractions;
using LocalDapr.Components;

namespace LocalDapr.Actors;

/// <summary>
/// The actor state store of an app (the component with <c>actorStateStore: "true"</c>), seen without the
/// component's <c>keyPrefix</c>: actor keys carry their own <c>{appId}||{type}||{id}||</c> prefix, as in daprd.
/// </summary>
internal sealed class ActorStateStores(ComponentRegistry components)
{
    public const string Separator = "||";

    public IStateStore For(string appId) => components.ActorStateStoreFor(appId) switch
    {
        PrefixedStateStore prefixed => prefixed.Inner,
        { } store => store,
        null => throw ActorErrors.NoStateStore(),
    };

    public static string StateKey(string appId, ActorKey actor, string key) =>
        string.Join(Separator, appId, actor.Type, actor.Id, key);
}
