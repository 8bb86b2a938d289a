using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Actors;

/// <summary>
/// Idle deactivation: every <c>actorScanInterval</c> (the shortest any app asked for), actors without a call for
/// their type's <c>actorIdleTimeout</c> get <c>DELETE actors/{type}/{id}</c> and lose their timers.
/// </summary>
internal sealed partial class ActorIdleScanner(
    ActorTypeRegistry registry,
    ActorActivity activity,
    ActorInvoker invoker,
    ActorTimers timers,
    TimeProvider time,
    ILogger<ActorIdleScanner> logger) : BackgroundService
{
    // Until an app hosts actors there is nothing to scan; look again at this pace for a newly registered host.
    private static readonly TimeSpan NoHostInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var hosts = registry.Hosts;
            await Task.Delay(hosts.Count == 0 ? NoHostInterval : hosts.Min(h => h.ScanInterval), time, stoppingToken);
            foreach (var (actor, type) in activity.Idle())
            {
                try
                {
                    if (await invoker.DeactivateIfIdleAsync(actor, type, stoppingToken))
                    {
                        timers.DeleteAll(actor);
                        LogDeactivated(actor.ToString());
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeactivationFailed(ex, actor.ToString());
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Actor {Actor} deactivated after being idle")]
    private partial void LogDeactivated(string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Actor {Actor}: deactivation failed")]
    private partial void LogDeactivationFailed(Exception exception, string actor);
}
