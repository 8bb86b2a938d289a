using System.Globalization;

namespace LocalDapr.Resiliency;

/// <summary>A retry <c>matching</c> list such as <c>"429,500-599"</c>: single codes and inclusive ranges.</summary>
public sealed class StatusCodeSet
{
    public static readonly StatusCodeSet Empty = new([]);

    private readonly (int From, int To)[] _ranges;

    private StatusCodeSet((int From, int To)[] ranges) => _ranges = ranges;

    public bool IsEmpty => _ranges.Length == 0;

    public bool Contains(int code)
    {
        foreach (var (from, to) in _ranges)
        {
            if (code >= from && code <= to)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a list whose codes must lie in [<paramref name="min"/>, <paramref name="max"/>]; throws <see cref="FormatException"/>.</summary>
    public static StatusCodeSet Parse(string? text, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }

        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var from = ParseCode(dash < 0 ? part : part[..dash], min, max);
            var to = dash < 0 ? from : ParseCode(part[(dash + 1)..], min, max);
            if (to < from)
            {
                throw new FormatException($"range '{part}' is reversed");
            }

            ranges.Add((from, to));
        }

        return new StatusCodeSet([.. ranges]);
    }

    private static int ParseCode(string text, int min, int max) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= min && code <= max
            ? code
            : throw new FormatException($"'{text}' is not a status code between {min} and {max}");
}
