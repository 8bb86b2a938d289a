using LocalDapr.Hosting;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LocalDapr.Invocation;

/// <summary>
/// daprd's header form of service invocation: a request to the sidecar's HTTP port with <c>dapr-app-id</c> and a
/// path outside the Dapr API is forwarded to that app's same path.
/// </summary>
internal sealed class AppIdHeaderMiddleware(RequestDelegate next, SidecarResolver resolver, InvocationForwarder forwarder)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Headers.TryGetValue(DaprHeaders.AppId, out var appId)
            || appId.Count != 1
            || string.IsNullOrEmpty(appId[0])
            || context.Request.Path.StartsWithSegments("/v1.0", StringComparison.OrdinalIgnoreCase)
            || resolver.TryResolve(context) is not { } caller
            || context.Connection.LocalPort != caller.HttpPort)
        {
            return next(context);
        }

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathAndQuery = raw is { Length: > 0 } && raw[0] == '/' ? raw : context.Request.Path.Value + context.Request.QueryString.Value;
        return forwarder.ForwardAsync(context, caller, appId[0]!, pathAndQuery);
    }
}
