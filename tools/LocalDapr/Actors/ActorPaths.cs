namespace LocalDapr.Actors;

/// <summary>The app-side actor routes of Dapr.Actors.AspNetCore (<c>MapActorsHandlers</c>), relative to the app.</summary>
internal static class ActorPaths
{
    public static string Actor(ActorKey actor) => $"actors/{Uri.EscapeDataString(actor.Type)}/{Uri.EscapeDataString(actor.Id)}";

    public static string Method(ActorKey actor, string method) => $"{Actor(actor)}/method/{EscapeSegments(method)}";

    public static string Reminder(ActorKey actor, string name) => $"{Actor(actor)}/method/remind/{Uri.EscapeDataString(name)}";

    public static string Timer(ActorKey actor, string name) => $"{Actor(actor)}/method/timer/{Uri.EscapeDataString(name)}";

    private static string EscapeSegments(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
