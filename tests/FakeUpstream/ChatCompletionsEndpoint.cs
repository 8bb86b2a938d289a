using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeUpstream;

/// <summary><c>POST /v1/chat/completions</c>: the fixed reply, complete or streamed, paced and recorded.</summary>
internal sealed class ChatCompletionsEndpoint(FakeUpstreamOptions options, ConcurrentQueue<ReceivedRequest> received)
{
    private long _requestCount;

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var (body, parseError) = await ReadBodyAsync(context.Request, aborted);
        var record = new ReceivedRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path + context.Request.QueryString,
            Authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            Body = body,
        };
        received.Enqueue(record);

        var problem = parseError ?? Validate(body);
        if (problem is not null)
        {
            await WriteErrorAsync(context.Response, problem.Value.Message, problem.Value.Param, aborted);
            return;
        }

        try
        {
            await ReplyAsync(context.Response, body!, aborted);
            record.Completed = true;
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            record.ClientAborted = true;
        }
    }

    private async Task ReplyAsync(HttpResponse response, JsonNode body, CancellationToken aborted)
    {
        var model = body["model"]!.GetValue<string>();
        var id = $"chatcmpl-fake-{Interlocked.Increment(ref _requestCount)}";
        var payloads = new CompletionPayloads(id, model, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), options.Style);
        var promptTokens = ReplyTokens.CountPrompt(body["messages"] as JsonArray);

        var tokens = ReplyTokens.Split(options.Reply);
        var finishReason = "stop";
        if (body["max_tokens"] is JsonValue max && max.TryGetValue<int>(out var maxTokens) && maxTokens < tokens.Count)
        {
            tokens = tokens.Take(maxTokens).ToList();
            finishReason = "length";
        }

        if (body["stream"] is JsonValue stream && stream.TryGetValue<bool>(out var isStream) && isStream)
        {
            var includeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.TryGetValue<bool>(out var b) && b;
            var sse = new SseWriter(response, aborted);
            await sse.StartAsync();
            await StreamAsync(sse, payloads, tokens, finishReason, promptTokens, includeUsage, aborted);
            return;
        }

        // A complete reply takes as long as its stream would have.
        var delay = options.EffectiveTokenDelay * tokens.Count;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, aborted);
        }

        var completion = payloads.Completion(string.Concat(tokens), finishReason, promptTokens, tokens.Count);
        response.ContentType = "application/json";
        await response.WriteAsync(completion.ToJsonString(), aborted);
    }

    private async Task StreamAsync(
        SseWriter sse, CompletionPayloads payloads, IReadOnlyList<string> tokens, string finishReason,
        int promptTokens, bool includeUsage, CancellationToken aborted)
    {
        await sse.CommentAsync("keep-alive");
        await sse.DataAsync(payloads.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null).ToJsonString());

        var delay = options.EffectiveTokenDelay;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, aborted);
            }

            await sse.DataAsync(payloads.Chunk(new JsonObject { ["content"] = tokens[i] }, null).ToJsonString());
            if (options.KeepAliveEvery > 0 && (i + 1) % options.KeepAliveEvery == 0)
            {
                await sse.CommentAsync("keep-alive");
            }
        }

        if (options.Style == StreamStyle.DeepSeek)
        {
            var usage = payloads.Usage(promptTokens, tokens.Count);
            await sse.DataAsync(payloads.Chunk(new JsonObject { ["content"] = "" }, finishReason, usage).ToJsonString());
        }
        else
        {
            await sse.DataAsync(payloads.Chunk([], finishReason).ToJsonString());
            if (includeUsage)
            {
                await sse.DataAsync(payloads.UsageChunk(promptTokens, tokens.Count).ToJsonString());
            }
        }

        await sse.DataAsync("[DONE]");
    }

    private static async Task<(JsonNode? Body, (string Message, string? Param)? Error)> ReadBodyAsync(HttpRequest request, CancellationToken aborted)
    {
        try
        {
            return (await JsonNode.ParseAsync(request.Body, cancellationToken: aborted), null);
        }
        catch (JsonException ex)
        {
            return (null, ($"request body is not valid JSON: {ex.Message}", null));
        }
    }

    private static (string Message, string? Param)? Validate(JsonNode? body)
    {
        if (body?["model"] is not JsonValue model || !model.TryGetValue<string>(out _))
        {
            return ("model is required", "model");
        }

        return body["messages"] is JsonArray { Count: > 0 } ? null : ("messages must be a non-empty array", "messages");
    }

    private static async Task WriteErrorAsync(HttpResponse response, string message, string? param, CancellationToken aborted)
    {
        var error = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = "invalid_request_error",
                ["param"] = param,
                ["code"] = null,
            },
        };
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        await response.WriteAsync(error.ToJsonString(), aborted);
    }
}
