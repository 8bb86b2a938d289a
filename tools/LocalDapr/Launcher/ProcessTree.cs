using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LocalDapr.Launcher;

/// <summary>
/// Signals a process and all its descendants. .NET can only hard-kill a tree (<c>Kill(entireProcessTree)</c>), so the
/// polite SIGTERM walks <c>/proc</c> itself. Each process is remembered with its start time, so a pid reused after
/// the process exited is never signalled.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int PrSetChildSubreaper = 36;

    public readonly record struct Member(int Pid, long StartTime);

    /// <summary>The root and every descendant, root first (only the root where <c>/proc</c> is missing).</summary>
    public static IReadOnlyList<Member> Snapshot(int rootPid)
    {
        var members = new List<Member>();
        if (!OperatingSystem.IsLinux())
        {
            members.Add(new Member(rootPid, 0));
            return members;
        }

        var parents = new Dictionary<int, List<Member>>();
        Member? root = null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || ReadStat(pid) is not { } stat)
            {
                continue;
            }

            var member = new Member(pid, stat.StartTime);
            if (pid == rootPid)
            {
                root = member;
            }

            if (!parents.TryGetValue(stat.ParentPid, out var children))
            {
                parents[stat.ParentPid] = children = [];
            }

            children.Add(member);
        }

        if (root is null)
        {
            return members;
        }

        var queue = new Queue<Member>([root.Value]);
        while (queue.TryDequeue(out var next))
        {
            members.Add(next);
            foreach (var child in parents.GetValueOrDefault(next.Pid) ?? [])
            {
                queue.Enqueue(child);
            }
        }

        return members;
    }

    /// <summary>
    /// Makes this process the reaper of its orphaned descendants (Linux <c>PR_SET_CHILD_SUBREAPER</c>): when an app
    /// exits and leaves children behind, they become ours instead of init's, so <see cref="OwnDescendants"/> still
    /// finds them at shutdown. Elsewhere a no-op.
    /// </summary>
    public static void BecomeSubreaper()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetProcessControl(PrSetChildSubreaper, 1, 0, 0, 0);
        }
    }

    /// <summary>Every process below this one (not this one).</summary>
    public static IReadOnlyList<Member> OwnDescendants() => Snapshot(Environment.ProcessId).Skip(1).ToArray();

    public static void Terminate(IEnumerable<Member> members) => Signal(members, SigTerm);

    public static void Kill(IEnumerable<Member> members) => Signal(members, SigKill);

    /// <summary>True while any member still runs (a zombie counts as gone).</summary>
    public static bool AnyAlive(IEnumerable<Member> members) => members.Any(IsAlive);

    public static bool IsAlive(Member member)
    {
        if (!OperatingSystem.IsLinux())
        {
            return IsAliveByProcess(member.Pid);
        }

        return ReadStat(member.Pid) is { } stat && stat.StartTime == member.StartTime && stat.State != 'Z';
    }

    private static void Signal(IEnumerable<Member> members, int signal)
    {
        foreach (var member in members)
        {
            if (IsAlive(member))
            {
                _ = SendSignal(member.Pid, signal);
            }
        }
    }

    private static bool IsAliveByProcess(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private readonly record struct Stat(char State, int ParentPid, long StartTime);

    /// <summary>Fields 3 (state), 4 (ppid) and 22 (start time) of <c>/proc/{pid}/stat</c>; the name in field 2 may hold spaces.</summary>
    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        return fields.Length > 19
            && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            && long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? new Stat(fields[0][0], ppid, start)
            : null;
    }

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static extern int SetProcessControl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
