using System.Diagnostics;
using LocalDapr.Abstractions;
using LocalDapr.RunFile;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Launcher;

/// <summary>
/// One app entry of the run file (one replica): starts its command as a child process, prints its output with
/// the app's prefix, keeps its <see cref="AppInstance"/> registered with its probed health, and stops its whole
/// process tree (SIGTERM, then kill after the grace period). Start and stop are serialised per instance.
/// </summary>
internal sealed partial class AppRunner(
    AppSpec spec,
    int colourIndex,
    ConsoleSink sink,
    IAppInstanceRegistry registry,
    HealthProbe probe,
    CancellationToken shuttingDown,
    ILogger<AppRunner> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private CancellationTokenSource? _probeCts;
    private TaskCompletionSource _exited = CompletedSource();
    private TaskCompletionSource _ready = CompletedSource();
    private bool _stopping;

    /// <summary>True while an entry without <c>command</c> (an app run elsewhere, e.g. in a debugger) is being served.</summary>
    private bool _attached;

    public AppSpec Spec => spec;

    public AppInstance? Instance { get; } = spec.AppPort > 0 ? new AppInstance(spec.AppId, spec.AppPort, spec.AppChannelAddress ?? "127.0.0.1") : null;

    public AppState State { get; private set; } = AppState.Stopped;

    public int? Pid { get; private set; }

    public int? ExitCode { get; private set; }

    public TimeSpan? ReadyAfter { get; private set; }

    /// <summary>The pid is reported only while the process runs.</summary>
    public InstanceStatus Status() => new(spec.AppId, spec.DisplayName, spec.AppPort, _process is null ? null : Pid, State, ExitCode, ReadyAfter?.TotalSeconds);

    /// <summary>Starts the process (if not running) and waits for its first healthy probe, its exit or the timeout.</summary>
    public async Task<StartOutcome> StartAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        Task ready;
        Task exited;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A process that died a moment ago may not have been handled yet (its state already says Exited): let that
            // finish first, or this start would take the dead run for a running one and its exit handling would
            // then undo the start.
            if (_process is { } current && HasExited(current))
            {
                await _exited.Task.WaitAsync(cancellationToken);
            }

            // Already running (healthy or not): wait for the current run's health instead of starting a second copy.
            (ready, exited) = _process is not null || _attached ? (_ready.Task, _exited.Task)
                : spec.Command.Count == 0 ? Attach()
                : Launch();
        }
        finally
        {
            _gate.Release();
        }

        var timeout = Task.Delay(readyTimeout, cancellationToken);
        var first = await Task.WhenAny(ready, exited, timeout);
        return first == ready ? StartOutcome.Ready
            : first == exited ? StartOutcome.Exited
            : cancellationToken.IsCancellationRequested ? StartOutcome.Canceled
            : StartOutcome.TimedOut;
    }

    /// <summary>Stops the process tree: SIGTERM to every member, then a hard kill of whatever still runs after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _gate.WaitAsync();
        try
        {
            if (_attached)
            {
                Detach();
                return;
            }

            if (_process is not { } process)
            {
                return;
            }

            _stopping = true;
            _probeCts?.Cancel();
            if (Instance is { } instance)
            {
                // Out of rotation first, so no new request is routed to a process that is going away.
                registry.SetHealthy(instance, false);
            }

            var tree = ProcessTree.Snapshot(process.Id);
            ProcessTree.Terminate(tree);
            if (!await ExitedWithinAsync(tree, grace))
            {
                LogKilling(logger, spec.DisplayName, grace.TotalSeconds);
                KillTree(process);
                ProcessTree.Kill(tree);
                await ExitedWithinAsync(tree, TimeSpan.FromSeconds(5));
            }

            if (!await ExitedWithinAsync(_exited.Task, TimeSpan.FromSeconds(5)))
            {
                LogOutputStillOpen(logger, spec.DisplayName);
            }

            State = AppState.Stopped;
            LogStopped(logger, spec.DisplayName);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Like <c>dapr run</c> for an entry without <c>command</c>: only the sidecar is served; the app is started by
    /// someone else and is routed to once its health check answers.
    /// </summary>
    private (Task Ready, Task Exited) Attach()
    {
        _attached = true;
        _stopping = false;
        ExitCode = null;
        ReadyAfter = null;
        State = AppState.Starting;
        _exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LogAttached(logger, spec.DisplayName, spec.AppPort);
        return (StartProbing(Stopwatch.StartNew()), _exited.Task);
    }

    private void Detach()
    {
        _stopping = true;
        _probeCts?.Cancel();
        if (Instance is { } instance)
        {
            registry.SetHealthy(instance, false);
            registry.Unregister(instance);
        }

        _attached = false;
        State = AppState.Stopped;
        _exited.TrySetResult();
        LogStopped(logger, spec.DisplayName);
    }

    private (Task Ready, Task Exited) Launch()
    {
        var started = Stopwatch.StartNew();
        var psi = new ProcessStartInfo
        {
            FileName = ResolveExecutable(),
            WorkingDirectory = spec.AppDirPath,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in spec.Command.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Clear();
        foreach (var (key, value) in AppEnvironment.Build(spec, Environment.GetEnvironmentVariables()))
        {
            psi.Environment[key] = value;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Print(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Print(e.Data, isError: true);
        ExitCode = null;
        ReadyAfter = null;
        _stopping = false;
        State = AppState.Starting;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            State = AppState.Exited;
            throw new LauncherException($"{spec.DisplayName}: cannot start '{string.Join(' ', spec.Command)}' in {spec.AppDirPath}: {ex.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Pid = process.Id;
        _exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LogStarted(logger, spec.DisplayName, process.Id, string.Join(' ', spec.Command));

        var ready = StartProbing(started);
        _ = MonitorExitAsync(process, _exited);
        return (ready, _exited.Task);
    }

    /// <summary>Registers the instance and probes it; the task completes at the first healthy probe.</summary>
    private Task StartProbing(Stopwatch started)
    {
        var ready = _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probeCts = new CancellationTokenSource();
        if (Instance is { } instance)
        {
            registry.Register(instance);
            _ = probe.RunAsync(instance, spec, () => registry.IsHealthy(instance), healthy => OnHealthChanged(healthy, started.Elapsed, ready), _probeCts.Token);
        }
        else
        {
            // No app port: nothing to probe or route to, so a running process is as ready as it gets.
            OnHealthChanged(true, started.Elapsed, ready);
        }

        return ready.Task;
    }

    private void OnHealthChanged(bool healthy, TimeSpan sinceStart, TaskCompletionSource ready)
    {
        if (_stopping || State is AppState.Exited)
        {
            return;
        }

        // Routing first, then the log line: whoever reads "healthy again" may call the app at once.
        if (Instance is { } instance)
        {
            registry.SetHealthy(instance, healthy);
        }

        if (healthy && ReadyAfter is null)
        {
            ReadyAfter = sinceStart;
        }
        else if (healthy)
        {
            LogRecovered(logger, spec.DisplayName);
        }
        else
        {
            LogUnhealthy(logger, spec.DisplayName, spec.AppHealthThreshold, $"http://{Instance?.Host}:{spec.AppPort}{spec.AppHealthCheckPath}");
        }

        State = healthy ? AppState.Healthy : AppState.Unhealthy;
        if (healthy)
        {
            ready.TrySetResult();
        }
    }

    private async Task MonitorExitAsync(Process process, TaskCompletionSource exited)
    {
        // Also waits until both output pipes reach end of file, so the last lines are printed before the exit line.
        await process.WaitForExitAsync(CancellationToken.None);
        ExitCode = process.ExitCode;
        _probeCts?.Cancel();
        if (Instance is { } instance)
        {
            registry.SetHealthy(instance, false);
            registry.Unregister(instance);
        }

        if (!_stopping && !shuttingDown.IsCancellationRequested)
        {
            State = AppState.Exited;
            LogExited(logger, spec.DisplayName, process.Id, process.ExitCode);
        }

        _process = null;
        process.Dispose();
        exited.TrySetResult();
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            // Disposed by the exit handling that just ran.
            return true;
        }
    }

    private static async Task<bool> ExitedWithinAsync(IReadOnlyList<ProcessTree.Member> tree, TimeSpan limit)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = Stopwatch.StartNew();
        while (ProcessTree.AnyAlive(tree))
        {
            if (deadline.Elapsed >= limit)
            {
                return false;
            }

            await timer.WaitForNextTickAsync();
        }

        return true;
    }

    private static async Task<bool> ExitedWithinAsync(Task exited, TimeSpan limit) =>
        await Task.WhenAny(exited, Task.Delay(limit)) == exited;

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }

    private void Print(string? line, bool isError)
    {
        if (line is not null)
        {
            sink.AppLine(spec.DisplayName, colourIndex, line, isError);
        }
    }

    /// <summary>A relative program path with a directory part is relative to appDirPath, as with <c>dapr run</c>.</summary>
    private string ResolveExecutable()
    {
        var program = spec.Command[0];
        return !Path.IsPathRooted(program) && program.Contains('/', StringComparison.Ordinal)
            ? Path.GetFullPath(program, spec.AppDirPath)
            : program;
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: started pid {Pid}: {Command}")]
    private static partial void LogStarted(ILogger logger, string app, int pid, string command);

    [LoggerMessage(Level = LogLevel.Error, Message = "{App} (pid {Pid}) exited with code {ExitCode}; it is not restarted (use `local-dapr start` or POST /admin/apps/{{appId}}/start)")]
    private static partial void LogExited(ILogger logger, string app, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App}: unhealthy after {Threshold} failed probes of {Url}; no traffic is routed to it until it recovers")]
    private static partial void LogUnhealthy(ILogger logger, string app, int threshold, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: healthy again")]
    private static partial void LogRecovered(ILogger logger, string app);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App}: still running {Seconds} s after SIGTERM; killing its process tree")]
    private static partial void LogKilling(ILogger logger, string app, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App}: the process is gone but its output pipes are still open (a detached grandchild?)")]
    private static partial void LogOutputStillOpen(ILogger logger, string app);

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: no command; serving its sidecar for an app started elsewhere on port {Port}")]
    private static partial void LogAttached(ILogger logger, string app, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: stopped")]
    private static partial void LogStopped(ILogger logger, string app);
}
