using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Inference.Apis;

/// <summary><c>POST /internal/generate</c>: one generation with the model's backend, complete or as an SSE stream.</summary>
public static partial class GenerateApi
{
    public const string SystemFingerprint = "fp_deepseek_dapr";

    public static IEndpointRouteBuilder MapGenerateApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal");
        api.MapPost("/generate", GenerateAsync)
            .WithName("Generate")
            .WithSummary("Generate a chat completion with the backend of the given model (SSE when request.stream is true)");
        return app;
    }

    public static async Task<Results<JsonHttpResult<ChatCompletion>, ChatStreamResult, OpenAiErrorResult, EmptyHttpResult>> GenerateAsync(
        GenerateRequest input, [AsParameters] GenerateServices services, HttpContext context)
    {
        if (Validate(input) is { } invalid)
        {
            return invalid;
        }

        var kind = input.Model.Backend.Kind;
        if (services.Services.GetKeyedService<IChatBackend>(kind) is not { } backend)
        {
            return OpenAiErrors.BadRequest($"The model '{input.Model.Id}' uses an unknown backend kind '{kind}'.", "model");
        }

        if (input.Request.IsStreaming)
        {
            return new ChatStreamResult(input, backend, services);
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            var result = await backend.CompleteAsync(input, cancellationToken);
            services.Metrics.Finished(input.Model.Id, kind, streamed: false, "ok", result.Usage.CompletionTokens);
            // Serialised with the contracts context itself so nulls are omitted exactly as on every other hop.
            return TypedResults.Json(new ChatCompletion
            {
                Id = CompletionId(input),
                Created = services.Time.GetUtcNow().ToUnixTimeSeconds(),
                Model = input.Model.Id,
                SystemFingerprint = SystemFingerprint,
                Choices = [new ChatChoice { Index = 0, Message = result.Message, FinishReason = result.FinishReason }],
                Usage = result.Usage,
            }, ContractsJsonContext.Default.ChatCompletion);
        }
        catch (BackendException ex)
        {
            services.Metrics.Finished(input.Model.Id, kind, streamed: false, "error", 0);
            LogBackendError(services.Logger, input.RequestId, input.Model.Id, ex.Status, ex.Message);
            return ToResult(ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RecordCancelled(services, input);
            return TypedResults.Empty;
        }
    }

    public static string CompletionId(GenerateRequest input) => $"chatcmpl-{input.RequestId}";

    public static OpenAiErrorResult ToResult(BackendException ex) => new(ex.Status, ex.Error) { RetryAfterSeconds = ex.RetryAfterSeconds };

    internal static void RecordCancelled(GenerateServices services, GenerateRequest input)
    {
        services.Metrics.Cancelled(input.Model.Id, input.Model.Backend.Kind);
        LogCancelled(services.Logger, input.RequestId, input.Model.Id);
    }

    internal static void RecordBackendError(GenerateServices services, GenerateRequest input, BackendException ex) =>
        LogBackendError(services.Logger, input.RequestId, input.Model.Id, ex.Status, ex.Message);

    private static OpenAiErrorResult? Validate(GenerateRequest? input)
    {
        if (input?.Request is null || input.Model?.Backend is null)
        {
            return OpenAiErrors.BadRequest("The body must hold request_id, request and model (with its backend).", "request");
        }

        if (input.Request.Messages is not { Count: > 0 })
        {
            return OpenAiErrors.BadRequest("messages must contain at least one message.", "messages");
        }

        if (input.Request.N is { } n && n != 1)
        {
            return OpenAiErrors.BadRequest("Only n = 1 is supported.", "n");
        }

        return string.IsNullOrWhiteSpace(input.RequestId)
            ? OpenAiErrors.BadRequest("request_id is required.", "request_id")
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generation {RequestId} for {Model} cancelled: the caller went away")]
    private static partial void LogCancelled(ILogger logger, string requestId, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generation {RequestId} for {Model} failed with {Status}: {Reason}")]
    private static partial void LogBackendError(ILogger logger, string requestId, string model, int status, string reason);
}
