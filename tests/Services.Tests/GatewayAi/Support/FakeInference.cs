using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.GatewayAi.Support;

/// <summary>How the stand-in inference answers /internal/generate: by the inference contract, or in one of the ways it can fail.</summary>
public sealed class FakeInference
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public enum Mode { Normal, HoldBeforeFirstToken, BreakMidStream, ErrorEventMidStream, Reject400 }

    public Mode Behaviour { get; set; } = Mode.Normal;
    public string[] Pieces { get; set; } = ["Hello", " from", " the fake"];

    /// <summary>Models whose backend is down: inference answers their generations with this status before any output.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> FailingModels { get; } = new(StringComparer.Ordinal);

    /// <summary>Lets a held stream continue (Mode.HoldBeforeFirstToken).</summary>
    public void Release() => _gate.TrySetResult();

    public async Task AnswerAsync(HttpContext context, GenerateRequest request, FakeSidecar sidecar)
    {
        var ct = context.RequestAborted;
        if (Behaviour == Mode.Reject400)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(
                ErrorResponse.Create("image parts are not supported by this model", ErrorTypes.InvalidRequest, "unsupported_content", "messages"),
                ContractsJsonContext.Default.ErrorResponse, cancellationToken: ct);
            return;
        }

        if (FailingModels.TryGetValue(request.Model.Id, out var status))
        {
            // inference's answer when the model's backend cannot be reached (502) or is not available (503).
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(
                ErrorResponse.Create($"The backend of {request.Model.Id} is unavailable.", ErrorTypes.Unavailable, "backend_unavailable"),
                ContractsJsonContext.Default.ErrorResponse, cancellationToken: ct);
            return;
        }

        var content = string.Concat(Pieces);
        if (request.Request.Stream != true)
        {
            await context.Response.WriteAsJsonAsync(Completion(request, content), ContractsJsonContext.Default.ChatCompletion, cancellationToken: ct);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(ct);
        if (Behaviour == Mode.HoldBeforeFirstToken)
        {
            try
            {
                await _gate.Task.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                sidecar.InferenceCancelled.TrySetResult();
                throw;
            }
        }

        await WriteAsync(context, Chunk(new ChunkDelta { Role = "assistant", Content = string.Empty }, null));
        foreach (var piece in Pieces)
        {
            await WriteAsync(context, Chunk(new ChunkDelta { Content = piece }, null));
            if (Behaviour == Mode.BreakMidStream)
            {
                // Break only once the client has seen the piece, so the test does not depend on socket timing.
                await _gate.Task.WaitAsync(ct);
                context.Abort();
                return;
            }

            if (Behaviour == Mode.ErrorEventMidStream)
            {
                await context.Response.WriteAsync("data: {\"error\":{\"message\":\"upstream failed\",\"type\":\"server_error\",\"code\":\"upstream_error\"}}\n\n", ct);
                await context.Response.WriteAsync("data: [DONE]\n\n", ct);
                return;
            }
        }

        await WriteAsync(context, Chunk(new ChunkDelta(), "stop"));
        var usage = Chunk(new ChunkDelta(), null);
        usage.Choices = [];
        usage.Usage = new Usage { PromptTokens = 10, CompletionTokens = Pieces.Length, TotalTokens = 10 + Pieces.Length };
        await WriteAsync(context, usage);
        await context.Response.WriteAsync(": trailing comment\n\ndata: [DONE]\n\n", ct);
    }

    private static async Task WriteAsync(HttpContext context, ChatCompletionChunk chunk)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk);
        await context.Response.WriteAsync($"data: {json}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static ChatCompletionChunk Chunk(ChunkDelta delta, string? finish) => new()
    {
        Id = "chatcmpl-fake",
        Created = 1_700_000_000,
        Model = "deepseek-chat",
        Choices = [new ChunkChoice { Delta = delta, FinishReason = finish }],
    };

    private static ChatCompletion Completion(GenerateRequest request, string content) => new()
    {
        Id = "chatcmpl-fake",
        Created = 1_700_000_000,
        Model = request.Model.Id,
        Choices = [new ChatChoice { Message = new AssistantMessage { Content = content }, FinishReason = "stop" }],
        Usage = new Usage { PromptTokens = 10, CompletionTokens = 3, TotalTokens = 13 },
    };
}
