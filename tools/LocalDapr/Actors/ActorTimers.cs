using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Actors;

/// <summary>
/// Actor timers: in memory only (as in daprd), gone when the actor deactivates. Each firing sends the registration
/// body back to the app (<c>PUT actors/{type}/{id}/method/timer/{name}</c>), which carries the callback name.
/// </summary>
internal sealed class ActorTimers(ActorInvoker invoker, TimeProvider time, ILogger<CallbackScheduler> logger) : IDisposable
{
    // Its own scheduler: a timer and a reminder may share a name.
    private readonly CallbackScheduler scheduler = new(time, logger);

    public void Register(ActorTypeOptions type, ActorKey actor, string name, byte[] body)
    {
        ActorSchedule schedule;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ActorErrors.TimerCreate("the body must be a JSON object");
            }

            schedule = ActorSchedule.Parse(Text(root, "dueTime"), Text(root, "period"), Text(root, "ttl"), time.GetUtcNow());
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw ActorErrors.TimerCreate(ex.Message);
        }

        scheduler.Schedule(
            actor,
            name,
            schedule,
            (_, token) => invoker.FireCallbackAsync(type, actor, ActorPaths.Timer(actor, name), body, token),
            static (_, _) => Task.CompletedTask);
    }

    public void Delete(ActorKey actor, string name) => scheduler.Cancel(actor, name);

    /// <summary>Deactivation ends an actor's timers.</summary>
    public void DeleteAll(ActorKey actor) => scheduler.CancelAll(actor);

    public void Dispose() => scheduler.Dispose();

    internal static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
