using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BenchCommon;

/// <summary>
/// A process the benchmark starts (fake upstream, Portkey, the platform's launcher): output kept in a log file, ready
/// once its port accepts connections, stopped with SIGTERM (the launcher then stops its apps) and killed only if it
/// ignores that.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log, string name)
    {
        _process = process;
        _log = log;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string LogFile { get; private init; } = "";

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        string logDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var logFile = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, log, name) { LogFile = logFile };
    }

    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a connection; fails early if the process exits.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening on {port}; see {LogFile}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{Name} did not listen on {port} within {timeout.TotalSeconds} s; see {LogFile}");
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    /// <summary>
    /// SIGTERM to every process whose environment holds <paramref name="name"/>=<paramref name="value"/> (Linux /proc),
    /// then SIGKILL to those still there after <paramref name="grace"/>: the processes one run started, and no others.
    /// </summary>
    public static async Task TerminateMarkedAsync(string name, string value, TimeSpan grace)
    {
        var marker = $"{name}={value}";
        var marked = Directory.Exists("/proc")
            ? Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
                .Where(pid => pid > 0 && pid != Environment.ProcessId && HasMarker(pid, marker)).ToList()
            : [];
        foreach (var pid in marked)
        {
            _ = Kill(pid, SigTerm);
        }

        var deadline = DateTime.UtcNow + grace;
        while (marked.Any(pid => Directory.Exists($"/proc/{pid}")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        foreach (var pid in marked.Where(pid => Directory.Exists($"/proc/{pid}")))
        {
            _ = Kill(pid, SigKill);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static bool HasMarker(int pid, string marker)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(marker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile, or not ours to read: not one of the run's processes.
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
