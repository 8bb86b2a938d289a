using System.Diagnostics;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.GatewayAi.Streaming;
using DeepSeek.Dapr.GatewayAi.Validation;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Apis;

public static class ChatCompletionsApi
{
    public static RouteGroupBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1");
        api.MapPost("/chat/completions", CreateChatCompletion)
            .WithName("CreateChatCompletion")
            .WithSummary("Chat completion, complete or streamed (OpenAI/DeepSeek compatible)");
        api.MapPost("/completions", () => OpenAiErrors.NotImplemented("The legacy /completions (FIM) endpoint; use /chat/completions. It"))
            .WithName("CreateCompletion")
            .WithSummary("Legacy text completion: not offered");
        return api;
    }

    public static async Task<Results<JsonHttpResult<ChatCompletion>, ChatCompletionStreamResult, OpenAiErrorResult>> CreateChatCompletion(
        HttpContext httpContext, [AsParameters] ChatCompletionServices services)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var cancellationToken = httpContext.RequestAborted;
        // A request without a usable key is refused before its body is even read, as OpenAI does.
        var bearer = BearerToken.Read(httpContext.Request);
        var (request, error) = bearer.Key is null
            ? (null, ApiKeyErrors.ForReason(bearer.FailureReason))
            : await ChatRequestReader.ReadAsync(httpContext.Request, cancellationToken);
        error ??= ChatRequestValidator.Validate(request!);
        if (error is not null)
        {
            services.Metrics.Request(error.StatusCode, request?.IsStreaming == true, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
            return error;
        }

        try
        {
            var (admitted, refusal) = await services.Admission.AdmitAsync(
                request!, bearer, httpContext, startedAt, cancellationToken);
            if (refusal is not null)
            {
                services.Metrics.Request(refusal.StatusCode, request!.IsStreaming, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
                return refusal;
            }

            if (admitted!.Request.IsStreaming)
            {
                return new ChatCompletionStreamResult(admitted, services.Streaming);
            }

            httpContext.Response.Headers["X-Cache"] = admitted.CacheHit ? "HIT" : "MISS";
            var (answered, completion) = admitted.Cached is { } cached
                ? (admitted, CompletionShaping.FromCache(cached))
                : await GenerateAsync(admitted, httpContext, services, cancellationToken);
            await services.Streaming.Finisher.FinishAsync(answered, completion, streamed: false, complete: true, httpContext.Response);
            return TypedResults.Json(completion, ContractsJsonContext.Default.ChatCompletion);
        }
        catch (DownstreamUnavailableException ex)
        {
            var reply = services.Streaming.Failures.Unavailable(httpContext, ex);
            services.Metrics.Request(reply.StatusCode, request!.IsStreaming, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
            return reply;
        }
        catch (InferenceRejectedException ex)
        {
            return FailureReplies.Rejected(ex);
        }
    }

    /// <summary>The answer, and the request it answers: the original one, or the one re-targeted at the fallback model.</summary>
    private static async Task<(AdmittedRequest Answered, ChatCompletion Completion)> GenerateAsync(
        AdmittedRequest admitted, HttpContext httpContext, ChatCompletionServices services, CancellationToken cancellationToken)
    {
        var streaming = services.Streaming;
        var context = await streaming.PrepareContextAsync(admitted, httpContext, cancellationToken);
        try
        {
            return (admitted, await GenerateFromAsync(admitted, context, services, cancellationToken));
        }
        catch (DownstreamUnavailableException ex)
        {
            var fallback = await streaming.Failover.RetargetAsync(admitted, ex, cancellationToken);
            if (fallback is null)
            {
                throw;
            }

            var completion = await GenerateFromAsync(fallback, context, services, cancellationToken);
            streaming.Marker.Mark(httpContext, FallbackKinds.ModelFailover);
            return (fallback, completion);
        }
    }

    private static async Task<ChatCompletion> GenerateFromAsync(
        AdmittedRequest admitted, PreparedContext context, ChatCompletionServices services, CancellationToken cancellationToken)
    {
        var completion = await services.Streaming.Inference.GenerateAsync(ContextPreparer.ToGenerateRequest(admitted, context.Messages), cancellationToken);
        return CompletionShaping.Fresh(completion, services.Options.Value.SystemFingerprint, context.PromptTokens);
    }
}

/// <summary>Dependencies of the chat completion handler, bundled for <c>[AsParameters]</c>.</summary>
public sealed class ChatCompletionServices(RequestAdmission admission, StreamingServices streaming, GatewayMetrics metrics, IOptions<GatewayAiOptions> options)
{
    public RequestAdmission Admission { get; } = admission;
    public StreamingServices Streaming { get; } = streaming;
    public GatewayMetrics Metrics { get; } = metrics;
    public IOptions<GatewayAiOptions> Options { get; } = options;
}
