using System.Globalization;
using System.Xml;
using LocalDapr.Resources;

namespace LocalDapr.Actors;

/// <summary>
/// When a reminder or timer fires: first at <see cref="DueAt"/>, then every <see cref="Period"/> while
/// <see cref="Remaining"/> (null = unlimited) and <see cref="ExpiresAt"/> allow.
/// </summary>
internal sealed record ActorSchedule(DateTimeOffset DueAt, TimeSpan? Period, int? Remaining, DateTimeOffset? ExpiresAt)
{
    /// <summary>
    /// Parses daprd's accepted forms: <c>dueTime</c> as a duration or an RFC 3339 time; <c>period</c> as a duration
    /// or ISO 8601 <c>R{n}/{duration}</c>; <c>ttl</c> as a duration or an RFC 3339 time. Durations are Dapr's
    /// <c>0h0m5s0ms</c> (a Go duration) or ISO 8601 (<c>PT1M</c>).
    /// </summary>
    public static ActorSchedule Parse(string? dueTime, string? period, string? ttl, DateTimeOffset now)
    {
        var due = string.IsNullOrWhiteSpace(dueTime) ? now : ParseTime(dueTime, now, "dueTime");
        TimeSpan? every = null;
        int? remaining = null;
        if (!string.IsNullOrWhiteSpace(period))
        {
            var text = period.Trim();
            if (text.StartsWith('R'))
            {
                var slash = text.IndexOf('/');
                if (slash < 0 || !int.TryParse(text.AsSpan(1, slash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 0)
                {
                    throw new FormatException($"period '{period}' is not a valid ISO 8601 repetition (R<n>/<duration>)");
                }

                remaining = count;
                text = text[(slash + 1)..];
            }

            if (!TryParseDuration(text, out var parsed) || parsed < TimeSpan.Zero)
            {
                throw new FormatException($"period '{period}' is not a valid duration (e.g. 0h0m5s0ms, 5s or PT5S)");
            }

            every = parsed > TimeSpan.Zero ? parsed : null;
        }

        DateTimeOffset? expires = string.IsNullOrWhiteSpace(ttl) ? null : ParseTime(ttl, now, "ttl");
        if (expires is { } e && e < due)
        {
            throw new FormatException($"ttl '{ttl}' ends before the first due time");
        }

        // One-shot callbacks fire once; an explicit R0 fires never (daprd treats it as already done).
        return new ActorSchedule(due < now ? now : due, every, every is null ? remaining is 0 ? 0 : 1 : remaining, expires);
    }

    /// <summary>The schedule after one firing at <paramref name="firedAt"/>, or null when it is finished.</summary>
    public ActorSchedule? Next(DateTimeOffset firedAt)
    {
        var remaining = Remaining - 1;
        if (Period is not { } period || remaining is <= 0)
        {
            return null;
        }

        var next = DueAt + period;
        if (next < firedAt)
        {
            next = firedAt + period;
        }

        return ExpiresAt is { } expires && next > expires ? null : this with { DueAt = next, Remaining = remaining };
    }

    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith('P'))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(trimmed);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return GoDurations.TryParse(trimmed, out value);
    }

    private static DateTimeOffset ParseTime(string text, DateTimeOffset now, string field)
    {
        if (TryParseDuration(text, out var duration))
        {
            return now + duration;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new FormatException($"{field} '{text}' is neither a duration (e.g. 0h0m5s0ms, PT5S) nor an RFC 3339 time");
    }
}
