using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.Inference;

/// <summary>
/// A fake OpenAI-compatible server. The upstream model name in the request picks its behaviour, so one server covers
/// every case: both stream styles, comments, tool calls, missing usage, errors, garbage and an endless slow stream.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private LoopbackServer? _server;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Completed when an endless stream saw its caller go away.</summary>
    public TaskCompletionSource SlowStreamAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseAddress => _server!.BaseAddress;

    public static async Task<FakeUpstream> StartAsync()
    {
        var fake = new FakeUpstream();
        fake._server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", fake.HandleAsync));
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body);
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        Requests.Enqueue(new RecordedRequest(body, context.Request.Headers.Authorization.ToString(), context.Request.Headers["dapr-api-token"].ToString(), rawTarget));
        var model = body.RootElement.GetProperty("model").GetString();
        var stream = body.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
        var response = context.Response;

        switch (model)
        {
            case "bad-request":
                response.StatusCode = 400;
                await response.WriteAsync("""{"error":{"message":"max_tokens is too large for this model","type":"invalid_request_error","param":"max_tokens","code":"context_length_exceeded"}}""");
                return;
            case "ollama-error":
                response.StatusCode = 404;
                await response.WriteAsync("""{"error":"model 'llama9' not found"}""");
                return;
            case "server-error":
                response.StatusCode = 500;
                await response.WriteAsync("internal failure in the upstream");
                return;
            case "unavailable":
                response.StatusCode = 503;
                await response.WriteAsync("""{"error":{"message":"overloaded","type":"server_error"}}""");
                return;
            case "garbage":
                response.ContentType = stream ? "text/event-stream" : "application/json";
                await response.WriteAsync(stream ? "data: {not json\n\n" : "<html>oops</html>");
                return;
        }

        if (!stream)
        {
            response.ContentType = "application/json";
            var usage = model == "no-usage" ? "" : ""","usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":11}""";
            await response.WriteAsync($$"""{"id":"up-1","object":"chat.completion","created":1,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from upstream"},"finish_reason":"stop"}]{{usage}}}""");
            return;
        }

        response.ContentType = "text/event-stream";
        await response.StartAsync();
        if (model == "slow-forever")
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    await Event(response, Chunk(model, $"\"content\":\"tick{i} \"", null), context.RequestAborted);
                    await Task.Delay(20, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                SlowStreamAborted.TrySetResult();
                return;
            }
        }

        await response.WriteAsync(": keep-alive\n\n");
        await Event(response, Chunk(model!, "\"role\":\"assistant\",\"content\":\"\"", null));
        await response.WriteAsync("\n");
        if (model == "tools")
        {
            const string first = """{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}""";
            const string second = """{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}""";
            await Event(response, Chunk(model, $"\"tool_calls\":[{first}]", null));
            await Event(response, Chunk(model, $"\"tool_calls\":[{second}]", null));
            await Event(response, Chunk(model, "", "tool_calls"));
        }
        else
        {
            await Event(response, Chunk(model!, "\"content\":\"Hello\"", null));
            await response.WriteAsync(": keep-alive\n\n");
            await Event(response, Chunk(model!, "\"content\":\" from upstream\"", null));
            var usage = """{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":11}""";
            switch (model)
            {
                case "deepseek-style":
                    // DeepSeek puts the usage on the chunk that carries the finish reason.
                    await Event(response, Chunk(model, "\"content\":\"\"", "stop").Replace("]}", "],\"usage\":" + usage + "}", StringComparison.Ordinal));
                    break;
                case "no-usage":
                    await Event(response, Chunk(model, "", "stop"));
                    break;
                default:
                    await Event(response, Chunk(model!, "", "stop"));
                    await Event(response, $$"""{"id":"up-1","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[],"usage":{{usage}}}""");
                    break;
            }
        }

        await response.WriteAsync("data: [DONE]\n\n");
    }

    private static string Chunk(string model, string delta, string? finish) =>
        $$"""{"id":"up-1","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[{"index":0,"delta":{{{delta}}},"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""";

    private static async Task Event(HttpResponse response, string json, CancellationToken cancellationToken = default)
    {
        await response.WriteAsync($"data: {json}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var request in Requests)
        {
            request.Body.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>What the fake saw of one request (headers copied out, as Kestrel reuses its header objects).</summary>
public sealed record RecordedRequest(JsonDocument Body, string Authorization, string DaprApiToken, string RawTarget);
