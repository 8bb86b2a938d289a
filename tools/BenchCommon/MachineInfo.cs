namespace BenchCommon;

/// <summary>The machine a run was measured on, one line for the report.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Replace("MemTotal:", "", StringComparison.Ordinal).Trim() : "n/a";
        return $"{Environment.ProcessorCount} cores, {memory} memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
