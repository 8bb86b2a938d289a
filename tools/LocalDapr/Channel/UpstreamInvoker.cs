using System.Net;

namespace LocalDapr.Channel;

/// <summary>
/// The one pooled HTTP client the runtime uses towards apps and HTTP endpoints. No proxy, redirects, cookies or
/// decompression (bytes pass through as the app wrote them), and no automatic trace headers: the invoke path
/// writes <c>traceparent</c> itself so the forwarded trace-id always equals the caller's.
/// </summary>
internal sealed class UpstreamInvoker : IDisposable
{
    public UpstreamInvoker()
    {
        Handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            EnableMultipleHttp2Connections = true,
        };
        Invoker = new HttpMessageInvoker(Handler, disposeHandler: true);
    }

    public SocketsHttpHandler Handler { get; }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
