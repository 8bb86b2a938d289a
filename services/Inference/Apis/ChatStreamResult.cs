using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.ServiceDefaults.Sse;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace DeepSeek.Dapr.Inference.Apis;

/// <summary>
/// Streams a generation in the platform's contract: a role chunk, content/reasoning/tool-call deltas, one chunk with
/// the finish reason, always a usage chunk with no choices, then <c>data: [DONE]</c>. The first update is awaited
/// before any byte is written, so a backend that fails up front still answers with its proper status and error body.
/// A failure after that point can only be reported in-band, as an SSE error event without <c>[DONE]</c>.
/// </summary>
public sealed class ChatStreamResult(GenerateRequest input, IChatBackend backend, GenerateServices services) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = httpContext.RequestAborted;
        try
        {
            await StreamAsync(httpContext, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            GenerateApi.RecordCancelled(services, input);
        }
    }

    private async Task StreamAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        await using var updates = backend.StreamAsync(input, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool more;
        try
        {
            more = await updates.MoveNextAsync();
        }
        catch (BackendException ex)
        {
            GenerateApi.RecordBackendError(services, input, ex);
            services.Metrics.Finished(input.Model.Id, input.Model.Backend.Kind, streamed: true, "error", 0);
            await GenerateApi.ToResult(ex).ExecuteAsync(httpContext);
            return;
        }

        var writer = await SseEventWriter.StartAsync(httpContext.Response, cancellationToken);
        var created = services.Time.GetUtcNow().ToUnixTimeSeconds();
        await WriteAsync(writer, Chunk(created, new ChunkDelta { Role = "assistant", Content = string.Empty }), cancellationToken);

        string? finish = null;
        Usage? usage = null;
        try
        {
            for (; more; more = await updates.MoveNextAsync())
            {
                var update = updates.Current;
                if (update.Content is not null || update.Reasoning is not null || update.ToolCalls is not null)
                {
                    var delta = new ChunkDelta { Content = update.Content, ReasoningContent = update.Reasoning, ToolCalls = update.ToolCalls };
                    await WriteAsync(writer, Chunk(created, delta), cancellationToken);
                }

                finish = update.FinishReason ?? finish;
                usage = update.Usage ?? usage;
            }
        }
        catch (BackendException ex)
        {
            GenerateApi.RecordBackendError(services, input, ex);
            services.Metrics.Finished(input.Model.Id, input.Model.Backend.Kind, streamed: true, "error", 0);
            await writer.WriteJsonAsync(ex.Error, ContractsJsonContext.Default.ErrorResponse, cancellationToken);
            return;
        }

        var finishChunk = Chunk(created, new ChunkDelta());
        finishChunk.Choices[0].FinishReason = finish ?? FinishReasons.Stop;
        await WriteAsync(writer, finishChunk, cancellationToken);

        usage ??= new Usage { PromptTokens = TokenCounter.CountPrompt(input.Request.Messages ?? []) };
        var usageChunk = new ChatCompletionChunk
        {
            Id = GenerateApi.CompletionId(input),
            Created = created,
            Model = input.Model.Id,
            SystemFingerprint = GenerateApi.SystemFingerprint,
            Choices = [],
            Usage = usage,
        };
        await WriteAsync(writer, usageChunk, cancellationToken);
        await writer.WriteDoneAsync(cancellationToken);
        services.Metrics.Finished(input.Model.Id, input.Model.Backend.Kind, streamed: true, "ok", usage.CompletionTokens);
    }

    private ChatCompletionChunk Chunk(long created, ChunkDelta delta) => new()
    {
        Id = GenerateApi.CompletionId(input),
        Created = created,
        Model = input.Model.Id,
        SystemFingerprint = GenerateApi.SystemFingerprint,
        Choices = [new ChunkChoice { Index = 0, Delta = delta }],
    };

    private static Task WriteAsync(SseEventWriter writer, ChatCompletionChunk chunk, CancellationToken cancellationToken) =>
        writer.WriteJsonAsync(chunk, ContractsJsonContext.Default.ChatCompletionChunk, cancellationToken);
}
