namespace LocalDapr.Abstractions;

/// <summary>
/// The sidecar → app connection: picks a live instance of the app-id (round robin over healthy replicas),
/// adds <c>dapr-api-token</c> when APP_API_TOKEN is configured, and uses pooled connections.
/// The request URI is relative to the app's base address (e.g. <c>dapr/subscribe</c>).
/// </summary>
public interface IAppChannel
{
    Task<HttpResponseMessage> SendAsync(string appId, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken);

    /// <summary>True when at least one instance of the app is running and healthy.</summary>
    bool IsAvailable(string appId);

    /// <summary>
    /// The same channel pinned to one instance (per-instance deliveries such as broadcast pub/sub): every call goes
    /// to that instance only, and it is available only while that instance is healthy.
    /// </summary>
    IAppChannel ForInstance(AppInstance instance);
}

/// <summary>
/// Told when an app-id gets its first healthy instance (at start, and again after a restart), so that
/// subscriptions can be (re)discovered with <c>GET /dapr/subscribe</c>.
/// </summary>
public interface IAppReadyListener
{
    Task OnAppReadyAsync(string appId, CancellationToken cancellationToken);
}
