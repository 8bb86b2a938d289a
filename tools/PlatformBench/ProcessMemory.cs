using System.Globalization;

namespace PlatformBench;

/// <summary>One process of a target and its resident memory (VmRSS from /proc), read after the load.</summary>
internal sealed record ProcessMemory(string Name, int Pid, double? RssMiB)
{
    public static ProcessMemory Read(string name, int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return new ProcessMemory(name, pid, null);
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line?["VmRSS:".Length..].Trim().Split(' ')[0];
        return new ProcessMemory(name, pid,
            long.TryParse(kib, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? Math.Round(value / 1024.0, 1) : null);
    }
}
