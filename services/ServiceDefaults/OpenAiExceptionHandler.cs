using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DeepSeek.Dapr.ServiceDefaults;

/// <summary>
/// The one place unhandled exceptions become HTTP replies: always the OpenAI error shape, never a stack trace.
/// Known client mistakes become 400; a cancelled request gets no body at all.
/// </summary>
internal sealed partial class OpenAiExceptionHandler(ILogger<OpenAiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var (status, error) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, ErrorResponse.Create(bad.Message, ErrorTypes.InvalidRequest, "invalid_request")),
            System.Text.Json.JsonException json => (400, ErrorResponse.Create($"Invalid JSON: {json.Message}", ErrorTypes.InvalidRequest, "invalid_json")),
            // Cancelled without the client leaving: a call of ours timed out (a dependency or the store is slow).
            // That is "try again shortly", not a bug: 503 like every other unavailable dependency.
            OperationCanceledException or TimeoutException => (503, ErrorResponse.Create(
                "A dependency did not answer in time; retry shortly.", ErrorTypes.Server, "service_unavailable")),
            _ => (500, ErrorResponse.Create("The server had an error while processing your request.", ErrorTypes.Server, "internal_error")),
        };

        if (status == 503)
        {
            LogTimedOut(logger, httpContext.Request.Path, exception.Message);
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
        }

        if (!httpContext.Response.HasStarted)
        {
            httpContext.Response.StatusCode = status;
            if (status == 503)
            {
                httpContext.Response.Headers.RetryAfter = "1";
            }

            await httpContext.Response.WriteAsJsonAsync(error, ContractsJsonContext.Default.ErrorResponse, cancellationToken: cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call made for {Path} timed out: {Reason}")]
    private static partial void LogTimedOut(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
