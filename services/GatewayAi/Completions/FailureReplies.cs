using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// Downstream failures as public replies. A service that cannot answer gives the degraded reply (fallback 2 of the
/// design): 503, <c>Retry-After</c>, <c>X-Fallback: degraded</c>, counted and logged — never a 500 or a hang.
/// </summary>
public sealed partial class FailureReplies(IOptions<GatewayAiOptions> options, GatewayMetrics metrics, ILogger<FailureReplies> logger)
{
    public const string FallbackHeader = "X-Fallback";
    public const string Degraded = "degraded";

    public OpenAiErrorResult Unavailable(DownstreamUnavailableException ex)
    {
        LogDegraded(logger, ex.AppId, ex.Reason);
        metrics.Fallback(Degraded);
        return OpenAiErrors.Unavailable(
                $"The service is temporarily unavailable ({ex.AppId} is not answering). Retry after a few seconds.",
                options.Value.RetryAfterSeconds)
            .WithHeader(FallbackHeader, Degraded);
    }

    /// <summary>inference refused before generating: its own 4xx error goes to the client unchanged.</summary>
    public static OpenAiErrorResult Rejected(InferenceRejectedException ex) =>
        new(ex.Status, ex.Error) { RetryAfterSeconds = ex.Status == StatusCodes.Status429TooManyRequests ? 1 : null };

    /// <summary>The same failures as in-band stream errors, for when the 200 status line has already gone out.</summary>
    public ErrorResponse InBand(Exception ex)
    {
        if (ex is DownstreamUnavailableException unavailable)
        {
            LogDegraded(logger, unavailable.AppId, unavailable.Reason);
            metrics.Fallback(Degraded);
            return ErrorResponse.Create(
                $"The service is temporarily unavailable ({unavailable.AppId} is not answering). Retry after a few seconds.",
                ErrorTypes.Unavailable, "service_unavailable");
        }

        return ex is InferenceRejectedException rejected ? rejected.Error : Streaming.ChatStreamRelay.Interrupted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Degraded reply: {AppId} is unavailable ({Reason})")]
    private static partial void LogDegraded(ILogger logger, string appId, string reason);
}
