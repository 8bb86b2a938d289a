using System.Net.Http;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using LocalDapr.Resources;
using LocalDapr.RunFile;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Launcher;

/// <summary>
/// <c>local-dapr run</c>: parse the run file, start the in-process sidecars, the admin endpoint and every app, then
/// wait for Ctrl-C/SIGTERM (or the gRPC Shutdown RPC) and stop everything. Whatever was started is stopped again on
/// every path out, including a failure half-way through start-up, so no child process outlives the launcher
/// (short of SIGKILL to the launcher itself).
/// </summary>
public static partial class Launch
{
    public static async Task<int> RunAsync(LaunchOptions options)
    {
        using var loggers = LauncherConsoleFormatter.CreateFactory(LogLevel.Information);
        var logger = loggers.CreateLogger("local-dapr");
        using var signal = new ShutdownSignal();

        RunPlan plan;
        try
        {
            plan = RunFileParser.Load(options.RunFile, options.ResourcesPaths);
            plan = PortAllocator.AssignFreePorts(options.Overrides.Apply(plan, options.EffectiveAdminPort));
        }
        catch (RunFileException ex)
        {
            LogFailed(logger, ex.Message);
            return 1;
        }

        foreach (var warning in plan.Warnings)
        {
            LogWarning(logger, warning);
        }

        ProcessTree.BecomeSubreaper();
        if (OpenFileLimit.RaiseToHardLimit() is { } files)
        {
            LogOpenFiles(logger, files.Before, files.After);
        }

        LocalDaprRuntime? runtime = null;
        WebApplication? admin = null;
        AppSupervisor? supervisor = null;
        using var probeClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
        try
        {
            runtime = await LocalDaprRuntime.StartAsync(Sidecars(plan), RuntimeOptions(plan, options), signal.Token);
            supervisor = CreateSupervisor(plan, options, runtime.Instances, probeClient, loggers, signal.Token);
            var ports = plan.Apps.Where(a => a.ReplicaIndex == 0).ToDictionary(a => a.AppId, a => (a.DaprHttpPort, a.DaprGrpcPort), StringComparer.Ordinal);
            admin = await AdminServer.StartAsync(options.EffectiveAdminPort, new AdminContext(supervisor, ports), signal.Token);
            foreach (var app in plan.Apps.Where(a => a.ReplicaIndex == 0))
            {
                LogSidecar(logger, app.AppId, app.DaprHttpPort, app.DaprGrpcPort, string.Join(", ", plan.ReplicasOf(app.AppId).Select(r => r.AppPort)), string.Join(", ", app.ResourcesPaths));
            }

            LogAdmin(logger, options.EffectiveAdminPort);
            await supervisor.StartAllAsync(signal.Token);
            await Task.WhenAny(Task.Delay(Timeout.Infinite, signal.Token), runtime.WaitForShutdownAsync(CancellationToken.None));
            LogStopping(logger, signal.Reason ?? "the runtime was shut down");
            return 0;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            LogStopping(logger, signal.Reason ?? "signal");
            return 0;
        }
        catch (Exception ex) when (ex is ResourceException or LauncherException or IOException or ArgumentException)
        {
            LogFailed(logger, ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is a bug; still stop every child (finally) and exit with a readable error, not a crash dump.
            LogUnexpected(logger, ex);
            return 1;
        }
        finally
        {
            if (supervisor is not null)
            {
                await supervisor.StopAllAsync(options.StopGrace);
            }

            await StopOrphansAsync(logger, options.StopGrace);
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }

            if (runtime is not null)
            {
                await runtime.DisposeAsync();
            }

            LogStopped(logger);
        }
    }

    private static IReadOnlyList<SidecarDefinition> Sidecars(RunPlan plan) => plan.Apps
        .Where(a => a.ReplicaIndex == 0)
        .Select(a => new SidecarDefinition(
            a.AppId,
            a.DaprHttpPort,
            a.DaprGrpcPort,
            a.ResourcesPaths,
            a.ConfigFilePath,
            AppEnvironment.Token(a, "DAPR_API_TOKEN"),
            AppEnvironment.Token(a, "APP_API_TOKEN"),
            a.AppProtocol,
            a.MaxBodySizeBytes))
        .ToArray();

    /// <summary>The runtime logs at the most verbose <c>logLevel</c> any app asks for (warnings by default).</summary>
    private static LocalDaprRuntimeOptions RuntimeOptions(RunPlan plan, LaunchOptions options)
    {
        var level = plan.Apps.Select(a => a.LogLevel?.ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "error" or "fatal" => LogLevel.Error,
            _ => LogLevel.Warning,
        }).Min();
        return new LocalDaprRuntimeOptions
        {
            ConfigureLogging = b => LauncherConsoleFormatter.Configure(b, level),
            MaxConnectionsPerApp = options.MaxConnectionsPerApp,
        };
    }

    private static AppSupervisor CreateSupervisor(RunPlan plan, LaunchOptions options, IAppInstanceRegistry registry, HttpClient probeClient, ILoggerFactory loggers, CancellationToken shuttingDown)
    {
        var sink = new ConsoleSink();
        var probe = new HealthProbe(probeClient);
        var ids = plan.AppIds.ToList();
        var runners = plan.Apps
            .Select(app => new AppRunner(app, ids.IndexOf(app.AppId), sink, registry, probe, shuttingDown, loggers.CreateLogger<AppRunner>()))
            .ToArray();
        return new AppSupervisor(runners, options.ReadyTimeout, options.StopGrace, loggers.CreateLogger<AppSupervisor>());
    }

    /// <summary>Children that apps left behind (we are their subreaper): SIGTERM, then kill after the grace period.</summary>
    private static async Task StopOrphansAsync(ILogger logger, TimeSpan grace)
    {
        var orphans = ProcessTree.OwnDescendants();
        if (orphans.Count == 0)
        {
            return;
        }

        LogOrphans(logger, orphans.Count, string.Join(", ", orphans.Select(o => o.Pid)));
        ProcessTree.Terminate(orphans);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = DateTime.UtcNow + grace;
        while (ProcessTree.AnyAlive(orphans) && DateTime.UtcNow < deadline)
        {
            await timer.WaitForNextTickAsync();
        }

        ProcessTree.Kill(orphans);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogFailed(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Critical, Message = "unexpected failure; every app is being stopped")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogWarning(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{AppId}: sidecar HTTP 127.0.0.1:{HttpPort}, gRPC 127.0.0.1:{GrpcPort}; app port(s) {AppPorts}; resources {Resources}")]
    private static partial void LogSidecar(ILogger logger, string appId, int httpPort, int grpcPort, string appPorts, string resources);

    [LoggerMessage(Level = LogLevel.Information, Message = "admin endpoint http://127.0.0.1:{Port}/admin/apps")]
    private static partial void LogAdmin(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping ({Reason})")]
    private static partial void LogStopping(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stopping {Count} process(es) left behind by apps: {Pids}")]
    private static partial void LogOrphans(ILogger logger, int count, string pids);

    [LoggerMessage(Level = LogLevel.Information, Message = "open-file limit {After} (soft limit was {Before})")]
    private static partial void LogOpenFiles(ILogger logger, ulong before, ulong after);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);
}
