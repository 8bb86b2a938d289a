using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FakeUpstream;

/// <summary>
/// An OpenAI-compatible server on a loopback port: <c>POST /v1/chat/completions</c> (complete and streamed),
/// <c>GET /v1/models</c>, and <c>GET /_received</c> (<c>DELETE</c> clears) listing what it was sent.
/// </summary>
public sealed class FakeUpstreamServer(FakeUpstreamOptions? options = null) : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private WebApplication? _app;

    public FakeUpstreamOptions Options { get; } = options ?? new FakeUpstreamOptions();

    /// <summary>The bound port (the real one when started on port 0).</summary>
    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public void ClearReceived() => _received.Clear();

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public async Task StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("the fake upstream is already started");
        }

        // The empty builder reads no configuration files and logs nothing: cheap to start many times in one test run.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var chat = new ChatCompletionsEndpoint(Options, _received);
        app.MapPost("/v1/chat/completions", chat.HandleAsync);
        app.MapGet("/v1/models", WriteModelsAsync);
        app.MapGet("/_received", WriteReceivedAsync);
        app.MapDelete("/_received", () => _received.Clear());

        await app.StartAsync(cancellationToken);
        Port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private Task WriteReceivedAsync(HttpContext context)
    {
        var list = new JsonArray();
        foreach (var r in _received)
        {
            list.Add(new JsonObject
            {
                ["method"] = r.Method,
                ["path"] = r.Path,
                ["authorization"] = r.Authorization,
                ["headers"] = new JsonObject(r.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
                ["body"] = r.Body?.DeepClone(),
                ["client_aborted"] = r.ClientAborted,
                ["completed"] = r.Completed,
            });
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(list.ToJsonString(), context.RequestAborted);
    }

    private static Task WriteModelsAsync(HttpContext context)
    {
        var models = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["id"] = "fake-model", ["object"] = "model", ["created"] = 0, ["owned_by"] = "fake-upstream" }),
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(models.ToJsonString(), context.RequestAborted);
    }
}
