using System.Text.Json.Serialization;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>The account held by one <see cref="UserAccountActor"/> (state key <c>account</c>).</summary>
public sealed record AccountState(
    string Name,
    string Plan,
    string Currency,
    decimal GrantedBalance,
    decimal ToppedUpBalance,
    DateTimeOffset CreatedAt)
{
    [JsonIgnore]
    public decimal TotalBalance => GrantedBalance + ToppedUpBalance;
}

/// <summary>
/// Money and quota set aside for one admitted request until its usage settles it, it is released, or it expires.
/// Kept in the actor activation's memory only (<see cref="OpenHolds"/>), never saved.
/// </summary>
public sealed record Hold(
    string RequestId,
    string? KeyId,
    string Model,
    decimal Amount,
    long Tokens,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>Requests and estimated tokens admitted in one UTC minute (in the actor activation's memory, never saved).</summary>
public sealed record MinuteWindow(long Minute, int Requests, long Tokens)
{
    public static long MinuteOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / 60;

    /// <summary>The window as seen at <paramref name="now"/>: counts of an earlier minute no longer apply.</summary>
    public static MinuteWindow Current(MinuteWindow? stored, DateTimeOffset now)
    {
        var minute = MinuteOf(now);
        return stored is not null && stored.Minute == minute ? stored : new MinuteWindow(minute, 0, 0);
    }
}

/// <summary>Marks a usage event as charged (state key <c>charged:&lt;event id&gt;</c>, kept with a TTL).</summary>
public sealed record ChargedMarker(decimal Cost, DateTimeOffset ChargedAt);
