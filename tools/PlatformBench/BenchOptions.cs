using System.Globalization;

namespace PlatformBench;

/// <summary>Command line: how long to measure, which scenarios, where to write, and where the repo and Portkey are.</summary>
internal sealed record BenchOptions(int Seconds, bool Quick, string OutputDirectory, string RepoRoot, string? PortkeyScript, int PortOffset)
{
    public const string Usage =
        "usage: platform-bench [--seconds N (measured time, default 120, min 6)] [--quick (scenarios a and b only)] " +
        "[--out DIR (default artifacts/bench)] [--repo DIR (default: found above the working dir)] " +
        "[--portkey PATH/start-server.js | --no-portkey] [--port-offset N (default 13000)]";

    public static BenchOptions Parse(string[] args)
    {
        var seconds = 120;
        var quick = false;
        string? output = null;
        string? repo = null;
        string? portkey = null;
        var noPortkey = false;
        var offset = 13000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    continue;
                case "--no-portkey":
                    noPortkey = true;
                    continue;
            }

            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i - 1])
            {
                case "--seconds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 6:
                    seconds = s;
                    break;
                case "--port-offset" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) && o is > 0 and < 14000:
                    offset = o;
                    break;
                case "--out":
                    output = value;
                    break;
                case "--repo":
                    repo = value;
                    break;
                case "--portkey":
                    portkey = value;
                    break;
                default:
                    throw new ArgumentException($"bad argument '{args[i - 1]} {value}'. {Usage}");
            }
        }

        var root = Path.GetFullPath(repo ?? FindRepoRoot());
        portkey ??= Path.Combine(root, ".bench", "portkey", "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        return new BenchOptions(seconds, quick, Path.GetFullPath(output ?? Path.Combine(root, "artifacts", "bench")), root,
            noPortkey ? null : portkey, offset);
    }

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
