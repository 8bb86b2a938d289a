using LocalDapr.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Invocation;

/// <summary>
/// <c>{verb} /v1.0/invoke/{id}/method/{path}</c>. The id and path are cut from the raw request target, so
/// <c>http://host:port</c> ids and percent-encoded method paths reach the target exactly as the caller wrote them.
/// </summary>
internal static class InvokeApi
{
    private const string Prefix = "/v1.0/invoke/";
    private const string MethodSegment = "/method";

    public static IEndpointRouteBuilder MapInvokeApi(this IEndpointRouteBuilder endpoints)
    {
        // Singletons captured once: touching HttpContext.RequestServices would create a DI scope per call.
        var sidecars = endpoints.ServiceProvider.GetRequiredService<SidecarResolver>();
        var forwarder = endpoints.ServiceProvider.GetRequiredService<InvocationForwarder>();
        endpoints.Map(Prefix + "{**rest}", context => InvokeAsync(context, sidecars, forwarder)).WithName("InvokeService");
        return endpoints;
    }

    private static Task InvokeAsync(HttpContext context, SidecarResolver sidecars, InvocationForwarder forwarder)
    {
        var caller = sidecars.Resolve(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!raw.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            raw = context.Request.Path.Value + context.Request.QueryString.Value;
        }

        if (!TrySplit(raw.AsSpan(Prefix.Length), out var id, out var pathAndQuery))
        {
            return DaprErrors.WriteAsync(context, StatusCodes.Status400BadRequest, DaprErrors.MalformedRequest, "invocation path must be /v1.0/invoke/{id}/method/{method}");
        }

        return forwarder.ForwardAsync(context, caller, id, pathAndQuery);
    }

    /// <summary>Splits <c>{id}/method/{path}?{query}</c>; the id may be a URL containing '/'.</summary>
    internal static bool TrySplit(ReadOnlySpan<char> rest, out string id, out string pathAndQuery)
    {
        id = pathAndQuery = string.Empty;
        var query = rest.IndexOf('?');
        var beforeQuery = query < 0 ? rest : rest[..query];
        var at = beforeQuery.IndexOf(MethodSegment, StringComparison.Ordinal);
        while (at >= 0 && at + MethodSegment.Length < beforeQuery.Length && beforeQuery[at + MethodSegment.Length] != '/')
        {
            var next = beforeQuery[(at + 1)..].IndexOf(MethodSegment, StringComparison.Ordinal);
            at = next < 0 ? -1 : at + 1 + next;
        }

        if (at <= 0)
        {
            return false;
        }

        var rawId = rest[..at];
        id = rawId.Contains('%') ? Uri.UnescapeDataString(rawId.ToString()) : rawId.ToString();
        var tail = rest[(at + MethodSegment.Length)..];
        pathAndQuery = tail.IsEmpty || tail[0] != '/' ? "/" + tail.ToString() : tail.ToString();
        return true;
    }
}
