using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Platform.Tests.Infrastructure;

/// <summary>What a fixture's platform run differs in: its name (log and pid file), port offset, components and environment.</summary>
/// <param name="Name">Empty for the main fixture (<c>launcher.log</c>), otherwise the suffix of <c>launcher-{name}.log</c>.</param>
public sealed record PlatformLaunch(string Name, int Offset, IReadOnlyList<string> ResourcesPaths, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The launcher's admin port: its default (3490) shifted like every other port.</summary>
    public int AdminPort => 3490 + Offset;

    public int RouterPort => PlatformPorts.App("router") - PlatformPorts.Offset + Offset;

    public string FileStem => Name.Length == 0 ? "launcher" : $"launcher-{Name}";
}

/// <summary>
/// One launcher run for a test fixture, started as <c>./run.sh</c> starts it (the built dll with dapr.yaml) on its own
/// port offset. Its pid is written where test.sh and the next run find it, so a test host killed mid-run (hang
/// timeout), which cannot stop its platform, does not leave the ports taken for the next run.
/// </summary>
public sealed partial class LaunchedPlatform : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private readonly Action<string> _log;
    private readonly string _pidFile;

    private LaunchedPlatform(LauncherProcess launcher, string pidFile, Action<string> log)
    {
        Launcher = launcher;
        _pidFile = pidFile;
        _log = log;
    }

    public LauncherProcess Launcher { get; }

    public ProcessOutput Output => Launcher.Output;

    public int Pid => Launcher.Pid;

    public static async Task<LaunchedPlatform> StartAsync(PlatformLaunch launch, Action<string> log)
    {
        if (!File.Exists(RepoPaths.LauncherDll))
        {
            throw new InvalidOperationException($"{RepoPaths.LauncherDll} is missing: build the solution in Release first (test.sh does)");
        }

        var folder = Path.Combine(RepoPaths.Artifacts, "platform-tests");
        Directory.CreateDirectory(folder);
        var pidFile = Path.Combine(folder, launch.FileStem + ".pid");
        await StopLeftByKilledRunAsync(pidFile, log);
        EnsurePortFree(launch.RouterPort, launch.Offset);

        List<string> arguments =
        [
            "run", "-f", RepoPaths.RunFile,
            "--port-offset", launch.Offset.ToString(CultureInfo.InvariantCulture),
            "--admin-port", launch.AdminPort.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var path in launch.ResourcesPaths)
        {
            arguments.AddRange(["--resources-path", path]);
        }

        var output = new ProcessOutput(Path.Combine(folder, launch.FileStem + ".log"));
        var launcher = LauncherProcess.Start(arguments, launch.Environment, output);
        await File.WriteAllTextAsync(pidFile, launcher.Pid.ToString(CultureInfo.InvariantCulture));
        log($"launcher pid {launcher.Pid} on offset {launch.Offset}: dotnet {RepoPaths.LauncherDll} {string.Join(' ', arguments)}");
        return new LaunchedPlatform(launcher, pidFile, log);
    }

    /// <summary>
    /// Sends <paramref name="request"/> until it is answered 200. Fails at once when the launcher exits, and after
    /// <paramref name="timeout"/> with the last answer and the launcher's output.
    /// </summary>
    public async Task WaitUntilOkAsync(HttpClient http, Func<HttpRequestMessage> request, TimeSpan timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (Launcher.HasExited)
            {
                throw new InvalidOperationException($"the launcher exited with code {Launcher.ExitCode} before the platform was ready:\n{Output.Tail(200)}");
            }

            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                using var message = request();
                using var response = await http.SendAsync(message, probe.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(probe.Token)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(interval);
        }

        throw new TimeoutException($"{http.BaseAddress} did not answer 200 within {timeout.TotalSeconds} s (last: {last}); launcher output:\n{Output.Tail(200)}");
    }

    /// <summary>The sidecar HTTP port and app port(s) of every app, as the launcher prints them once at start.</summary>
    public IReadOnlyDictionary<string, (int SidecarHttp, int[] AppPorts)> ReadPorts()
    {
        var apps = new Dictionary<string, (int SidecarHttp, int[] AppPorts)>(StringComparer.Ordinal);
        foreach (var line in Output.Since(0))
        {
            if (PortsLine().Match(line) is { Success: true } m)
            {
                var ports = m.Groups["apps"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                apps[m.Groups["app"].Value] = (int.Parse(m.Groups["http"].Value, CultureInfo.InvariantCulture), ports);
            }
        }

        return apps;
    }

    public async ValueTask DisposeAsync()
    {
        await Launcher.StopAsync(StopGrace);
        _log($"platform stopped (launcher exit code {Launcher.ExitCode}); its output is in {Output.LogFile}");
        Output.Dispose();
        Launcher.Dispose();
        File.Delete(_pidFile);
    }

    private static async Task StopLeftByKilledRunAsync(string pidFile, Action<string> log)
    {
        if (!File.Exists(pidFile)
            || !int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid)
            || !File.Exists($"/proc/{pid}/cmdline")
            || !(await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Contains("local-dapr", StringComparison.Ordinal))
        {
            return;
        }

        log($"stopping launcher pid {pid} left by an earlier test run");
        using var stale = System.Diagnostics.Process.GetProcessById(pid);
        LauncherProcess.SendSigTerm(pid);
        using var timeout = new CancellationTokenSource(StopGrace);
        await stale.WaitForExitAsync(timeout.Token);
    }

    private static void EnsurePortFree(int port, int offset)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
        }
        catch (SocketException)
        {
            return;
        }

        throw new InvalidOperationException($"port {port} (router + --port-offset {offset}) is already in use: another platform test run?");
    }

    [GeneratedRegex(@"^\[local-dapr\] (?<app>[\w-]+): sidecar HTTP 127\.0\.0\.1:(?<http>\d+), gRPC [^;]+; app port\(s\) (?<apps>[\d, ]+);")]
    private static partial Regex PortsLine();
}
