namespace LocalDapr.Abstractions;

/// <summary>
/// Everything needed to serve the sidecar of one app-id, as the launcher derives it from the Multi-App Run file
/// (or a test builds it directly). Relative paths are already resolved to absolute ones.
/// </summary>
public sealed record SidecarDefinition(
    string AppId,
    int HttpPort,
    int GrpcPort,
    IReadOnlyList<string> ResourcesPaths,
    string? ConfigFilePath = null,
    string? ApiToken = null,
    string? AppApiToken = null,
    string AppProtocol = "http",
    long MaxBodySizeBytes = 4 * 1024 * 1024);

/// <summary>One running process (replica) of an app-id, reachable at <see cref="Host"/>:<see cref="AppPort"/>.</summary>
public sealed record AppInstance(string AppId, int AppPort, string Host = "127.0.0.1");

/// <summary>
/// Which app instances exist and which are healthy. The launcher (or a test) registers instances and reports
/// their health; the app channel routes only to healthy ones; <see cref="IAppReadyListener"/>s are told when an
/// app-id goes from no healthy instance to one.
/// </summary>
public interface IAppInstanceRegistry
{
    void Register(AppInstance instance);

    void Unregister(AppInstance instance);

    void SetHealthy(AppInstance instance, bool healthy);

    IReadOnlyList<AppInstance> HealthyInstances(string appId);

    IReadOnlyList<AppInstance> AllInstances(string appId);

    /// <summary>True while the instance is registered and counted healthy (a failed connection also clears it).</summary>
    bool IsHealthy(AppInstance instance);
}

/// <summary>
/// Told about single instances: when one becomes healthy (first time or after a failure) and when it is gone
/// (unregistered: its process exited or was stopped). Per-instance features (broadcast consumer groups) use it.
/// </summary>
public interface IAppInstanceListener
{
    Task OnInstanceReadyAsync(AppInstance instance, CancellationToken cancellationToken);

    Task OnInstanceGoneAsync(AppInstance instance, CancellationToken cancellationToken);
}
