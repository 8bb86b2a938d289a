namespace BenchCommon;

/// <summary>The machine's load while a benchmark runs: on a shared machine it decides how much the tails mean.</summary>
public static class LoadAverage
{
    /// <summary>The 1-minute load average where the OS reports one (Linux).</summary>
    public static string Current() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
