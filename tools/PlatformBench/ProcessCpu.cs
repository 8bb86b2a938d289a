using System.Globalization;

namespace PlatformBench;

/// <summary>
/// CPU time (user + system) a process has used so far, from <c>/proc/{pid}/stat</c>. Sampled around each measured
/// slice, it says where every request's CPU goes — on 2 shared cores, CPU per request is a steadier profile than
/// latency, because it does not depend on who else was runnable at the time.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: the unit of utime/stime; 100 on every Linux build .NET supports.
    private const double TicksPerSecond = 100;

    public static TimeSpan? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system))
        {
            return null;
        }

        return TimeSpan.FromSeconds((user + system) / TicksPerSecond);
    }
}

/// <summary>CPU used by one process of a target over a scenario's measured slices, and per request answered.</summary>
internal sealed record CpuShare(string Scenario, string Target, string Process, double CpuMs, double MicrosPerRequest);

/// <summary>Accumulates CPU per (scenario, target, process) across slices measured in turn.</summary>
internal sealed class CpuLedger
{
    private readonly Dictionary<(string Scenario, string Target, string Process), double> _cpuMs = [];
    private readonly Dictionary<(string Scenario, string Target), long> _requests = [];

    /// <summary>Runs <paramref name="slice"/> between two CPU samples of every process of the target.</summary>
    public async Task MeasureAsync(string scenario, Target target, Func<Task<long>> slice)
    {
        var processes = await target.ReadMemory();
        var before = processes.Select(p => (p.Name, Cpu: ProcessCpu.Read(p.Pid))).ToList();
        var requests = await slice();
        for (var i = 0; i < processes.Count; i++)
        {
            if (before[i].Cpu is { } start && ProcessCpu.Read(processes[i].Pid) is { } end)
            {
                var key = (scenario, target.Name, processes[i].Name);
                _cpuMs[key] = _cpuMs.GetValueOrDefault(key) + (end - start).TotalMilliseconds;
            }
        }

        _requests[(scenario, target.Name)] = _requests.GetValueOrDefault((scenario, target.Name)) + requests;
    }

    public IReadOnlyList<CpuShare> Shares() =>
        _cpuMs.Select(kv =>
        {
            var requests = _requests.GetValueOrDefault((kv.Key.Scenario, kv.Key.Target));
            return new CpuShare(kv.Key.Scenario, kv.Key.Target, kv.Key.Process, Math.Round(kv.Value, 1),
                requests > 0 ? Math.Round(kv.Value * 1000 / requests, 1) : double.NaN);
        }).ToList();
}
