using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.Router;

/// <summary>Stands in for the router's sidecar: records what the proxy sent, answers with what the test sets.</summary>
public sealed class RecordingSidecar : IAsyncDisposable
{
    private LoopbackApp? _app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Default: answer like a gateway would (200 JSON, with the X-Request-Id every gateway reply carries).</summary>
    public Func<HttpContext, Task> Reply { get; set; } = async context =>
    {
        context.Response.Headers["X-Request-Id"] = context.Request.Headers["X-Request-Id"].ToString();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"ok\":true}");
    };

    public int Port => _app!.Port;

    public static async Task<RecordingSidecar> StartAsync()
    {
        var sidecar = new RecordingSidecar();
        sidecar._app = await LoopbackApp.StartAsync(app => app.Run(async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            sidecar.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers["dapr-api-token"].ToString(),
                context.Request.Headers["X-Request-Id"].ToString(),
                await body.ReadToEndAsync(context.RequestAborted)));
            await sidecar.Reply(context);
        }));
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, string ApiToken, string RequestId, string Body);
