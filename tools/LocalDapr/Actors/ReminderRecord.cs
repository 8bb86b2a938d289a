using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalDapr.Actors;

/// <summary>
/// A persisted reminder: the registration as the app sent it (for <c>GET reminders/{name}</c> and the firing body)
/// plus where its schedule stands, so a restarted runtime resumes it. <see cref="Generation"/> tells a
/// re-registration apart from the reminder it replaced.
/// </summary>
internal sealed record ReminderRecord(
    string ActorId,
    string Name,
    JsonElement? Data,
    string? DueTime,
    string? Period,
    string? Ttl,
    DateTimeOffset DueAt,
    string? Every,
    int? Remaining,
    DateTimeOffset? ExpiresAt,
    Guid Generation)
{
    public ActorSchedule Schedule => new(DueAt, Every is null ? null : TimeSpan.Parse(Every, System.Globalization.CultureInfo.InvariantCulture), Remaining, ExpiresAt);

    public ReminderRecord WithSchedule(ActorSchedule schedule) => this with
    {
        DueAt = schedule.DueAt,
        Every = schedule.Period?.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        Remaining = schedule.Remaining,
        ExpiresAt = schedule.ExpiresAt,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<ReminderRecord>))]
internal sealed partial class ActorsJsonContext : JsonSerializerContext;
