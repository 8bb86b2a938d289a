using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The local Dapr launcher as a child process, started exactly as run.sh starts it (the built dll with dapr.yaml),
/// stopped with SIGTERM so that it stops its apps in turn (a SIGKILL would orphan them).
/// </summary>
public sealed partial class LauncherProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private LauncherProcess(Process process, ProcessOutput output)
    {
        _process = process;
        Output = output;
    }

    public ProcessOutput Output { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static LauncherProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, ProcessOutput output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(RepoPaths.LauncherDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => AddLine(output, e.Data);
        process.ErrorDataReceived += (_, e) => AddLine(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LauncherProcess(process, output);
    }

    /// <summary>SIGTERM, then wait; only when the launcher ignores it is its whole tree killed (and said so in the log).</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        SendSigTerm(_process.Id);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Output.Add($"[platform-tests] the launcher did not stop within {grace.TotalSeconds} s of SIGTERM; killing its process tree");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>What Ctrl-C or <c>kill</c> sends: the launcher stops its apps before exiting.</summary>
    public static void SendSigTerm(int pid) => _ = Kill(pid, SigTerm);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose() => _process.Dispose();

    private static void AddLine(ProcessOutput output, string? line)
    {
        if (line is not null)
        {
            output.Add(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
