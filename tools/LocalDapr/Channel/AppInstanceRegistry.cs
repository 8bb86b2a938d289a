using System.Collections.Concurrent;
using LocalDapr.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Channel;

/// <summary>
/// App instances per app-id with their health. Readers (the invoke path) get an immutable snapshot of the healthy
/// instances without locking; writers rebuild the snapshot under a per-app lock.
/// </summary>
internal sealed partial class AppInstanceRegistry(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<AppInstanceRegistry> logger) : IAppInstanceRegistry
{
    private readonly ConcurrentDictionary<string, AppEntry> _apps = new(StringComparer.Ordinal);

    public void Register(AppInstance instance) => Update(instance, entry => entry.Instances.TryAdd(instance, false));

    public void Unregister(AppInstance instance) => Update(instance, entry => entry.Instances.Remove(instance));

    public void SetHealthy(AppInstance instance, bool healthy) => Update(instance, entry =>
    {
        entry.Instances[instance] = healthy;
        return true;
    });

    public bool IsHealthy(AppInstance instance) =>
        _apps.TryGetValue(instance.AppId, out var entry) && Array.Exists(entry.Healthy, e => e.Instance.Equals(instance));

    /// <summary>
    /// A connection to the instance failed before the request was sent (refused, reset): out of rotation at once,
    /// so the caller can try another instance; the health probe takes it back when it answers again.
    /// </summary>
    public void MarkUnreachable(AppInstance instance, string reason)
    {
        var wasHealthy = false;
        Update(instance, entry =>
        {
            if (!entry.Instances.TryGetValue(instance, out var healthy) || !healthy)
            {
                return false;
            }

            wasHealthy = true;
            entry.Instances[instance] = false;
            return true;
        });
        if (wasHealthy)
        {
            LogUnreachable(instance.AppId, instance.Host, instance.AppPort, reason);
        }
    }

    public IReadOnlyList<AppInstance> HealthyInstances(string appId) =>
        _apps.TryGetValue(appId, out var entry) ? entry.Healthy.Select(e => e.Instance).ToArray() : [];

    public IReadOnlyList<AppInstance> AllInstances(string appId)
    {
        if (!_apps.TryGetValue(appId, out var entry))
        {
            return [];
        }

        lock (entry)
        {
            return entry.Instances.Keys.ToArray();
        }
    }

    /// <summary>Round robin over the healthy instances; null when none is healthy.</summary>
    public AppEndpoint? Next(string appId)
    {
        if (!_apps.TryGetValue(appId, out var entry))
        {
            return null;
        }

        var healthy = entry.Healthy;
        return healthy.Length switch
        {
            0 => null,
            1 => healthy[0],
            _ => healthy[(int)((uint)Interlocked.Increment(ref entry.Cursor) % (uint)healthy.Length)],
        };
    }

    public bool HasHealthy(string appId) => _apps.TryGetValue(appId, out var entry) && entry.Healthy.Length > 0;

    private void Update(AppInstance instance, Func<AppEntry, bool> change)
    {
        var entry = _apps.GetOrAdd(instance.AppId, static _ => new AppEntry());
        bool becameReady;
        bool instanceReady;
        bool instanceGone;
        lock (entry)
        {
            var wasRegistered = entry.Instances.TryGetValue(instance, out var wasHealthy);
            if (!change(entry))
            {
                return;
            }

            var isRegistered = entry.Instances.TryGetValue(instance, out var isHealthy);
            var wasReady = entry.Healthy.Length > 0;
            entry.Healthy = entry.Instances.Where(kv => kv.Value).Select(kv => new AppEndpoint(kv.Key)).ToArray();
            becameReady = !wasReady && entry.Healthy.Length > 0;
            instanceReady = isHealthy && !wasHealthy;
            instanceGone = wasRegistered && !isRegistered;
        }

        LogInstanceChanged(instance.AppId, instance.Host, instance.AppPort, entry.Healthy.Length);
        if (becameReady)
        {
            _ = Task.Run(() => NotifyReadyAsync(instance.AppId));
        }

        if (instanceReady || instanceGone)
        {
            _ = Task.Run(() => NotifyInstanceAsync(instance, instanceReady));
        }
    }

    private async Task NotifyInstanceAsync(AppInstance instance, bool ready)
    {
        foreach (var listener in services.GetServices<IAppInstanceListener>())
        {
            try
            {
                await (ready
                    ? listener.OnInstanceReadyAsync(instance, lifetime.ApplicationStopping)
                    : listener.OnInstanceGoneAsync(instance, lifetime.ApplicationStopping));
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenerFailed(ex, listener.GetType().Name, instance.AppId);
            }
        }
    }

    private async Task NotifyReadyAsync(string appId)
    {
        foreach (var listener in services.GetServices<IAppReadyListener>())
        {
            try
            {
                await listener.OnAppReadyAsync(appId, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenerFailed(ex, listener.GetType().Name, appId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "App {AppId} instance {Host}:{Port} changed; {Healthy} healthy")]
    private partial void LogInstanceChanged(string appId, string host, int port, int healthy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} instance {Host}:{Port} is unreachable ({Reason}); no traffic goes to it until its health probe succeeds")]
    private partial void LogUnreachable(string appId, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Listener} failed while handling a change of app {AppId}")]
    private partial void LogListenerFailed(Exception exception, string listener, string appId);

    private sealed class AppEntry
    {
        public readonly Dictionary<AppInstance, bool> Instances = [];
        public volatile AppEndpoint[] Healthy = [];
        public int Cursor;
    }
}

/// <summary>A healthy instance with its base address pre-built, so the hot path only appends the path.</summary>
internal sealed class AppEndpoint(AppInstance instance)
{
    public AppInstance Instance { get; } = instance;
    public string BaseAddress { get; } = $"http://{instance.Host}:{instance.AppPort}";
}
