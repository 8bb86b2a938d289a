using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeepSeek.Dapr.ServiceDefaults.Hosting;

/// <summary>Work a service must do once at start through its sidecar (seeding, bootstrap keys), retried until it succeeds.</summary>
public interface IStartupTask
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs every <see cref="IStartupTask"/> in the background once the sidecar answers, with capped exponential
/// back-off, so the app serves <c>/healthz</c> from its first second even when the sidecar starts later.
/// </summary>
internal sealed partial class SidecarStartupService(
    DaprClient dapr,
    IEnumerable<IStartupTask> tasks,
    ILogger<SidecarStartupService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await dapr.WaitForSidecarAsync(stoppingToken);
        await Task.WhenAll(tasks.Select(t => RunWithRetryAsync(t, stoppingToken)));
    }

    private async Task RunWithRetryAsync(IStartupTask task, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await task.RunAsync(stoppingToken);
                LogDone(logger, task.Name, attempt);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRetry(logger, ex, task.Name, attempt, delay.TotalMilliseconds);
            }

            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Startup task {Task} done (attempt {Attempt})")]
    private static partial void LogDone(ILogger logger, string task, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Startup task {Task} failed (attempt {Attempt}); retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, Exception exception, string task, int attempt, double delayMs);
}

public static class StartupTaskExtensions
{
    /// <summary>Registers <typeparamref name="T"/> to run once the sidecar is up (see <see cref="SidecarStartupService"/>).</summary>
    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services)
        where T : class, IStartupTask
    {
        services.AddSingleton<IStartupTask, T>();
        if (services.All(d => d.ImplementationType != typeof(SidecarStartupService)))
        {
            services.AddHostedService<SidecarStartupService>();
        }

        return services;
    }
}
