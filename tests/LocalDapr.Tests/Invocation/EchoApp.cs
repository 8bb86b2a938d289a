using System.Text;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Invocation;

/// <summary>An echo app that reports what the sidecar forwarded: method, path, query, selected headers and body.</summary>
internal static class EchoApp
{
    public static Task<TestApp> StartAsync(Action<WebApplication>? extra = null) => TestApp.StartAsync(app =>
    {
        app.Map("/echo/{**rest}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            context.Response.Headers["x-echo-method"] = context.Request.Method;
            context.Response.Headers["x-echo-path"] = context.Request.Path.Value;
            context.Response.Headers["x-echo-query"] = context.Request.QueryString.Value;
            context.Response.Headers["x-echo-header"] = context.Request.Headers["x-test"].ToString();
            context.Response.Headers["x-echo-token"] = context.Request.Headers["dapr-api-token"].ToString();
            context.Response.Headers["x-echo-traceparent"] = context.Request.Headers["traceparent"].ToString();
            context.Response.Headers["x-echo-caller"] = context.Request.Headers["dapr-caller-app-id"].ToString();
            context.Response.Headers["x-echo-content-type"] = context.Request.ContentType ?? string.Empty;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.WriteAsync(body);
            }
        });
        app.MapPost("/raw", (HttpContext context) => context.Request.Body.CopyToAsync(context.Response.Body));
        extra?.Invoke(app);
    });
}
