using System.Diagnostics;
using LocalDapr.Abstractions;
using LocalDapr.Telemetry;

namespace LocalDapr.Channel;

/// <summary>Sidecar → app calls made by runtime features (subscriptions, delivery, bindings).</summary>
internal sealed class HttpAppChannel(AppInstanceRegistry registry, UpstreamInvoker upstream, ISidecarResolver sidecars) : IAppChannel
{
    public Task<HttpResponseMessage> SendAsync(string appId, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        SendAsync(appId, null, request, completion, cancellationToken);

    /// <param name="pinned">When set, only this instance is used (no round robin).</param>
    private Task<HttpResponseMessage> SendAsync(string appId, AppEndpoint? pinned, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var relative = request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute.PathAndQuery : request.RequestUri?.OriginalString ?? "/";
        if (!relative.StartsWith('/'))
        {
            relative = "/" + relative;
        }

        var appToken = sidecars.Find(appId)?.AppApiToken;
        if (appToken is not null)
        {
            request.Headers.Remove(DaprHeaders.ApiToken);
            request.Headers.TryAddWithoutValidation(DaprHeaders.ApiToken, appToken);
        }

        if (!request.Headers.Contains(DaprHeaders.TraceParent) && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            request.Headers.TryAddWithoutValidation(DaprHeaders.TraceParent, current.Id);
            if (current.TraceStateString is { Length: > 0 } state)
            {
                request.Headers.TryAddWithoutValidation(DaprHeaders.TraceState, state);
            }
        }

        return SendCoreAsync(appId, pinned, relative, request, completion, cancellationToken);
    }

    public bool IsAvailable(string appId) => registry.HasHealthy(appId);

    public IAppChannel ForInstance(AppInstance instance) => new InstanceChannel(this, instance);

    private bool IsHealthy(AppInstance instance) => registry.IsHealthy(instance);

    /// <summary>
    /// Round robin over the healthy instances; an instance that refuses the connection is taken out of rotation
    /// and the same request goes to the next one (the runtime's requests have buffered bodies, so resending is safe).
    /// </summary>
    private async Task<HttpResponseMessage> SendCoreAsync(string appId, AppEndpoint? pinned, string relative, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        for (var tried = 1; ; tried++)
        {
            var endpoint = (pinned is null ? registry.Next(appId) : registry.IsHealthy(pinned.Instance) ? pinned : null)
                ?? throw new HttpRequestException(
                    HttpRequestError.ConnectionError, // nothing was sent: callers may place the request elsewhere
                    $"app {appId} has no healthy instance{(pinned is null ? null : $" on port {pinned.Instance.AppPort}")}",
                    null,
                    System.Net.HttpStatusCode.ServiceUnavailable);
            request.RequestUri = new Uri(endpoint.BaseAddress + relative);
            try
            {
                response = await upstream.Invoker.SendAsync(request, cancellationToken);
                break;
            }
            catch (HttpRequestException ex) when (ConnectFailure.NothingSent(ex) && tried < ConnectFailure.MaxInstancesTried)
            {
                registry.MarkUnreachable(endpoint.Instance, ConnectFailure.Describe(ex));
            }
        }

        if (completion == HttpCompletionOption.ResponseContentRead)
        {
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }
            catch
            {
                // Nobody else holds the reply yet: without this its connection stays taken until the GC finds it.
                response.Dispose();
                throw;
            }
        }

        return response;
    }

    private sealed class InstanceChannel(HttpAppChannel owner, AppInstance instance) : IAppChannel
    {
        private readonly AppEndpoint _endpoint = new(instance);

        public Task<HttpResponseMessage> SendAsync(string appId, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken) =>
            owner.SendAsync(instance.AppId, _endpoint, request, completion, cancellationToken);

        public bool IsAvailable(string appId) => owner.IsHealthy(instance);

        public IAppChannel ForInstance(AppInstance other) => owner.ForInstance(other);
    }
}
