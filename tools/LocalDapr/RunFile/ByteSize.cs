using System.Globalization;

namespace LocalDapr.RunFile;

/// <summary>Parses Kubernetes resource quantities as daprd's <c>--max-body-size</c> takes them (<c>4Mi</c>, <c>512k</c>, <c>1G</c>, <c>1024</c>).</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("k", 1000L), ("K", 1000L), ("M", 1000_000L), ("G", 1000_000_000L), ("T", 1000_000_000_000L),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var value = text.Trim();
        long factor = 1;
        foreach (var (suffix, f) in Suffixes)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                value = value[..^suffix.Length];
                break;
            }
        }

        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0)
        {
            return false;
        }

        bytes = (long)(number * factor);
        return true;
    }
}
