using System.Globalization;

namespace LocalDapr.Resources;

/// <summary>
/// Go <c>time.ParseDuration</c> as daprd applies it to resource fields: a sequence of decimal numbers with units
/// ns, us/µs, ms, s, m, h (<c>1m30s</c>, <c>1.5h</c>, <c>-2s</c>), or <c>0</c> on its own. Shared by every part
/// that reads durations from YAML.
/// </summary>
public static class GoDurations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return false;
        }

        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        double ticks = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            double? perUnit = s[..unitLength] switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (perUnit is null)
            {
                return false;
            }

            ticks += number * perUnit.Value;
            s = s[unitLength..];
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Parses or throws a <see cref="ResourceException"/> that names the file and field.</summary>
    public static TimeSpan Parse(string? text, DaprResource source, string field) =>
        TryParse(text, out var value)
            ? value
            : throw new ResourceException($"{source.SourcePath}: {source.Kind} {source.Name}: {field}: '{text}' is not a Go duration (e.g. 500ms, 2s, 1m30s)");
}
