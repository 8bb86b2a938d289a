using System.Globalization;

namespace FaultBench;

/// <summary>
/// Command line. Two profiles: the full run (200 req/s, 30 s down per fault) and <c>--short</c> for CI (lower rate,
/// about 10 s per fault, the whole run within 3 minutes on 2 cores); any timing can be set on its own.
/// </summary>
internal sealed record FaultOptions(
    int Rate,
    TimeSpan WarmUp,
    TimeSpan LeadIn,
    TimeSpan Down,
    TimeSpan After,
    TimeSpan SettleLimit,
    TimeSpan RequestTimeout,
    int Users,
    bool Short,
    IReadOnlyList<FaultSpec> Faults,
    string OutputDirectory,
    string RepoRoot,
    int PortOffset)
{
    /// <summary>dapr.yaml's highest gRPC port is 50019: a larger offset would leave the port range.</summary>
    public const int MaxPortOffset = 15500;

    public const string Usage =
        "usage: fault-bench [--short] [--rate N (req/s; 200, short 100)] [--down S (30, short 7)] [--lead S (5, short 1)] " +
        "[--after S (15, short 3)] [--settle S (max wait for usage to settle; 120, short 45)] [--timeout S (client timeout; 60, short 30)] [--users N (users the load is spread over, one key each; 8)] " +
        "[--apps auth,users,... (default: all; gateway-ai = one instance)] [--out DIR (default artifacts/faults)] " +
        "[--repo DIR] [--port-offset N (default 15000, at most 15500)]";

    public static FaultOptions Parse(string[] args)
    {
        var isShort = args.Contains("--short");
        var options = new FaultOptions(
            Rate: isShort ? 100 : 200,
            WarmUp: Seconds(isShort ? 3 : 5),
            LeadIn: Seconds(isShort ? 1 : 5),
            Down: Seconds(isShort ? 7 : 30),
            After: Seconds(isShort ? 3 : 15),
            SettleLimit: Seconds(isShort ? 45 : 120),
            RequestTimeout: Seconds(isShort ? 30 : 60),
            Users: 8,
            Short: isShort,
            Faults: FaultSpec.All,
            OutputDirectory: "",
            RepoRoot: "",
            PortOffset: 15000);
        string? output = null;
        string? repo = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--short")
            {
                continue;
            }

            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
            options = name switch
            {
                "--rate" => options with { Rate = Number(name, value, 1, 5000) },
                "--down" => options with { Down = Seconds(Number(name, value, 1, 3600)) },
                "--lead" => options with { LeadIn = Seconds(Number(name, value, 1, 600)) },
                "--after" => options with { After = Seconds(Number(name, value, 1, 600)) },
                "--settle" => options with { SettleLimit = Seconds(Number(name, value, 1, 3600)) },
                "--timeout" => options with { RequestTimeout = Seconds(Number(name, value, 1, 3600)) },
                "--users" => options with { Users = Number(name, value, 1, 100) },
                "--apps" => options with { Faults = FaultSpec.Parse(value) },
                "--port-offset" => options with { PortOffset = Number(name, value, 1, MaxPortOffset) },
                "--out" or "--repo" => options,
                _ => throw new ArgumentException($"unknown argument '{name}'. {Usage}"),
            };
            output = name == "--out" ? value : output;
            repo = name == "--repo" ? value : repo;
        }

        var root = Path.GetFullPath(repo ?? FindRepoRoot());
        return options with
        {
            RepoRoot = root,
            OutputDirectory = Path.GetFullPath(output ?? Path.Combine(root, "artifacts", "faults")),
        };
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    private static int Number(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'. {Usage}");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeek.Dapr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException($"no DeepSeek.Dapr.sln above {Environment.CurrentDirectory}: pass --repo");
    }
}
