using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LocalDapr.Tests.Launcher;

/// <summary>
/// The built <c>local-dapr</c> launcher running as a child process of the test (<c>dotnet local-dapr.dll run -f ...</c>),
/// with its output collected line by line. Disposing kills whatever is still running, including every pid the
/// test learnt about, so a failing test leaves nothing behind.
/// </summary>
internal sealed partial class LauncherProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly HashSet<int> _knownPids = [];

    private LauncherProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DeepSeek.Dapr.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The EchoApp test app, built with this test project (same configuration).</summary>
    public static string EchoAppDll => Path.Combine(RepoRoot, "tests", "TestApps", "EchoApp", "bin", Configuration, "net10.0", "EchoApp.dll");

    public static LauncherProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "local-dapr.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        var launcher = new LauncherProcess(new Process { StartInfo = psi });
        launcher._process.OutputDataReceived += (_, e) => launcher.Add(e.Data);
        launcher._process.ErrorDataReceived += (_, e) => launcher.Add(e.Data);
        launcher._process.Start();
        launcher._process.BeginOutputReadLine();
        launcher._process.BeginErrorReadLine();
        return launcher;
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Waits for a line containing <paramref name="text"/> (already printed or still to come).</summary>
    public Task<string> WaitForLineAsync(string text, int seconds = 60) => WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), text, seconds);

    public async Task<string> WaitForLineAsync(Func<string, bool> match, string description, int seconds = 60)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            _waiters.Add((match, found));
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(found.Task, exited, Task.Delay(TimeSpan.FromSeconds(seconds)));
        if (first == found.Task)
        {
            return await found.Task;
        }

        // The line may have been the launcher's last words.
        lock (_lines)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }
        }

        throw new TimeoutException($"no line with '{description}' ({(first == exited ? "launcher exited" : "timed out")}); output:\n{Output}");
    }

    /// <summary>The pid in "started pid N" of <paramref name="appName"/>'s latest start; remembered for clean-up.</summary>
    public async Task<int> AppPidAsync(string appName)
    {
        var line = await WaitForLineAsync($"] {appName}: started pid ");
        var pid = int.Parse(StartedPid().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
        Remember(pid);
        return pid;
    }

    public void Remember(int pid)
    {
        lock (_knownPids)
        {
            _knownPids.Add(pid);
        }
    }

    public void Terminate() => _ = Kill(_process.Id, 15);

    public async Task<int> WaitForExitAsync(int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>True while a process with this pid runs (a zombie awaiting its parent counts as gone).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        lock (_knownPids)
        {
            foreach (var pid in _knownPids.Where(IsRunning))
            {
                _ = Kill(pid, 9);
            }
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }

    [GeneratedRegex(@"started pid (\d+)")]
    private static partial Regex StartedPid();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
