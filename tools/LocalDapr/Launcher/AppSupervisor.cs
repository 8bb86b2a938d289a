using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Launcher;

/// <summary>
/// All app instances of one launch: starts them concurrently and reports when all are ready, and stops or starts
/// the instances of one app-id on request (admin endpoint) while the others keep running.
/// </summary>
internal sealed partial class AppSupervisor(IReadOnlyList<AppRunner> runners, TimeSpan readyTimeout, TimeSpan stopGrace, ILogger<AppSupervisor> logger)
{
    public IReadOnlyList<InstanceStatus> Status() => runners.Select(r => r.Status()).ToArray();

    public bool Knows(string appId) => runners.Any(r => r.Spec.AppId == appId);

    /// <summary>Starts every app at once; true when all became healthy within the timeout.</summary>
    public async Task<bool> StartAllAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // One app that cannot even be started fails the launch at once, without waiting for the others' health.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var starts = runners.Select(async r =>
        {
            try
            {
                return await StartOneAsync(r, failFast.Token);
            }
            catch (LauncherException)
            {
                await failFast.CancelAsync();
                throw;
            }
        }).ToArray();
        try
        {
            await Task.WhenAll(starts);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Canceled by fail-fast: the LauncherException below is the real cause.
        }

        if (starts.FirstOrDefault(t => t.IsFaulted && t.Exception!.InnerException is LauncherException) is { } failed)
        {
            throw failed.Exception!.InnerException!;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outcomes = starts.Select(t => t.Result).ToArray();
        var ready = runners.Zip(outcomes).Where(p => p.Second == StartOutcome.Ready).Select(p => p.First).ToArray();
        var times = string.Join(", ", ready.Select(r => $"{r.Spec.DisplayName} {Seconds(r.ReadyAfter)}"));
        if (ready.Length == runners.Count)
        {
            LogAllReady(logger, runners.Count, Seconds(clock.Elapsed), times);
            return true;
        }

        var notReady = string.Join(", ", runners.Except(ready).Select(r => $"{r.Spec.DisplayName} ({r.State})"));
        LogSomeNotReady(logger, ready.Length, runners.Count, Seconds(clock.Elapsed), notReady, times);
        return false;
    }

    /// <summary>Starts the stopped or exited instances of <paramref name="appId"/> (only the one on <paramref name="appPort"/> when given).</summary>
    public async Task<IReadOnlyList<InstanceStatus>> StartAsync(string appId, int? appPort, CancellationToken cancellationToken)
    {
        var selected = Select(appId, appPort);
        await Task.WhenAll(selected.Select(r => StartOneAsync(r, cancellationToken)));
        return selected.Select(r => r.Status()).ToArray();
    }

    public async Task<IReadOnlyList<InstanceStatus>> StopAsync(string appId, int? appPort)
    {
        var selected = Select(appId, appPort);
        await Task.WhenAll(selected.Select(r => r.StopAsync(stopGrace)));
        return selected.Select(r => r.Status()).ToArray();
    }

    public Task StopAllAsync(TimeSpan grace) => Task.WhenAll(runners.Select(r => r.StopAsync(grace)));

    private IReadOnlyList<AppRunner> Select(string appId, int? appPort) =>
        runners.Where(r => r.Spec.AppId == appId && (appPort is null || r.Spec.AppPort == appPort)).ToArray();

    private async Task<StartOutcome> StartOneAsync(AppRunner runner, CancellationToken cancellationToken)
    {
        var outcome = await runner.StartAsync(readyTimeout, cancellationToken);
        switch (outcome)
        {
            case StartOutcome.Ready:
                LogReady(logger, runner.Spec.DisplayName, Seconds(runner.ReadyAfter), runner.Spec.AppPort);
                break;
            case StartOutcome.TimedOut:
                LogNeverHealthy(logger, runner.Spec.DisplayName, readyTimeout.TotalSeconds,
                    $"http://127.0.0.1:{runner.Spec.AppPort}{runner.Spec.AppHealthCheckPath}");
                break;
            case StartOutcome.Exited:
                LogExitedBeforeReady(logger, runner.Spec.DisplayName, runner.ExitCode);
                break;
        }

        return outcome;
    }

    private static string Seconds(TimeSpan? time) =>
        time is { } t ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: ready in {Time} (app port {Port})")]
    private static partial void LogReady(ILogger logger, string app, string time, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "all {Count} apps ready in {Time}: {Times}")]
    private static partial void LogAllReady(ILogger logger, int count, string time, string times);

    [LoggerMessage(Level = LogLevel.Error, Message = "only {Ready} of {Count} apps ready after {Time}; not ready: {NotReady}; ready: {Times}")]
    private static partial void LogSomeNotReady(ILogger logger, int ready, int count, string time, string notReady, string times);

    [LoggerMessage(Level = LogLevel.Error, Message = "{App}: not healthy after {Seconds} s (probing {Url}); it keeps running and is probed on")]
    private static partial void LogNeverHealthy(ILogger logger, string app, double seconds, string url);

    [LoggerMessage(Level = LogLevel.Error, Message = "{App}: exited with code {ExitCode} before it became healthy")]
    private static partial void LogExitedBeforeReady(ILogger logger, string app, int? exitCode);
}
