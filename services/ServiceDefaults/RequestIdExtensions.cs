using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults;

/// <summary>
/// <c>X-Request-Id</c> on every reply: taken from the request when a caller (the router) already set one, so the id is
/// the same on every hop, otherwise generated. It is also written back into the request headers, so a reverse proxy
/// forwards it downstream.
/// </summary>
public static class RequestIdExtensions
{
    public const string HeaderName = "X-Request-Id";
    private const int MaxLength = 128;

    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = context.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxLength)
        {
            id = Guid.NewGuid().ToString("N");
            context.Request.Headers[HeaderName] = id;
        }

        context.Items[HeaderName] = id;
        // Set late and only if absent: behind a reverse proxy the downstream reply already carries the same id.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.TryAdd(HeaderName, id);
            return Task.CompletedTask;
        });
        return next(context);
    });

    public static string GetRequestId(this HttpContext context)
    {
        if (context.Items[HeaderName] is string id)
        {
            return id;
        }

        var header = context.Request.Headers[HeaderName].ToString();
        return header.Length > 0 ? header : context.TraceIdentifier;
    }
}
