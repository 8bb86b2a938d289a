using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// Downstream failures as public replies. A service that cannot answer, with nothing to stand in for it, gives the
/// degraded reply (fallback 2 of the design): 503, <c>Retry-After</c>, marked <c>degraded</c> by the
/// <see cref="FallbackMarker"/> (header, span, counter) and logged — never a 500 or a hang.
/// </summary>
public sealed partial class FailureReplies(IOptions<GatewayAiOptions> options, FallbackMarker marker, ILogger<FailureReplies> logger)
{
    public OpenAiErrorResult Unavailable(HttpContext httpContext, DownstreamUnavailableException ex)
    {
        MarkDegraded(httpContext, ex);
        return OpenAiErrors.Unavailable(Message(ex.AppId), options.Value.RetryAfterSeconds);
    }

    /// <summary>inference refused before generating: its own 4xx error goes to the client unchanged.</summary>
    public static OpenAiErrorResult Rejected(InferenceRejectedException ex) =>
        new(ex.Status, ex.Error) { RetryAfterSeconds = ex.Status == StatusCodes.Status429TooManyRequests ? 1 : null };

    /// <summary>The same failures as in-band stream errors, for when the 200 status line has already gone out.</summary>
    public ErrorResponse InBand(HttpContext httpContext, Exception ex)
    {
        if (ex is DownstreamUnavailableException unavailable)
        {
            MarkDegraded(httpContext, unavailable);
            return ErrorResponse.Create(Message(unavailable.AppId), ErrorTypes.Unavailable, "service_unavailable");
        }

        return ex is InferenceRejectedException rejected ? rejected.Error : Streaming.ChatStreamRelay.Interrupted;
    }

    private void MarkDegraded(HttpContext httpContext, DownstreamUnavailableException ex)
    {
        LogDegraded(logger, ex.AppId, ex.Reason);
        marker.Mark(httpContext, FallbackKinds.Degraded);
    }

    private static string Message(string appId) =>
        $"The service is temporarily unavailable ({appId} is not answering). Retry after a few seconds.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Degraded reply: {AppId} is unavailable ({Reason})")]
    private static partial void LogDegraded(ILogger logger, string appId, string reason);
}
