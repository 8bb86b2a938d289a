using System.Runtime.InteropServices;

namespace LocalDapr.Launcher;

/// <summary>
/// The launcher holds every sidecar's sockets (callers in, apps out) in one process, so its open-file limit is the
/// runtime's ceiling: at start it raises its own soft <c>RLIMIT_NOFILE</c> to the hard limit, which an unprivileged
/// process may always do. Apps inherit the raised limit.
/// </summary>
internal static class OpenFileLimit
{
    private const int RlimitNoFile = 7; // Linux, every architecture .NET runs on

    /// <summary>The soft limit before and after, or null when not on Linux or the limit could not be read.</summary>
    public static (ulong Before, ulong After)? RaiseToHardLimit()
    {
        if (!OperatingSystem.IsLinux() || GetLimit(RlimitNoFile, out var limit) != 0)
        {
            return null;
        }

        var before = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetLimit(RlimitNoFile, in raised) == 0)
            {
                return (before, raised.Current);
            }
        }

        return (before, before);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ResourceLimit(ulong Current, ulong Maximum);

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetLimit(int resource, out ResourceLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetLimit(int resource, in ResourceLimit limit);
}
