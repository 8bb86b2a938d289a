using System.Globalization;

namespace HopBench;

/// <summary><c>--seconds N</c> (measured time, default 50, so a run stays under a minute) and <c>--json PATH</c>.</summary>
internal sealed record BenchOptions(int Seconds, string JsonPath)
{
    public const string Usage = "usage: hop-bench [--seconds N (default 50, min 5)] [--json PATH (default artifacts/hopbench.json)]";

    public static BenchOptions Parse(string[] args)
    {
        var seconds = 50;
        var json = Path.Combine("artifacts", "hopbench.json");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--seconds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 5:
                    seconds = s;
                    break;
                case "--json":
                    json = value;
                    break;
                default:
                    throw new ArgumentException($"bad argument '{args[i]} {value}'. {Usage}");
            }

            i++;
        }

        return new BenchOptions(seconds, json);
    }
}
