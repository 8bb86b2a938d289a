namespace LocalDapr.Actors;

/// <summary>One actor instance: its type and id.</summary>
internal readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}
