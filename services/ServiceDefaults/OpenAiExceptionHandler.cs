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
            _ => (500, ErrorResponse.Create("The server had an error while processing your request.", ErrorTypes.Server, "internal_error")),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
        }

        if (!httpContext.Response.HasStarted)
        {
            httpContext.Response.StatusCode = status;
            await httpContext.Response.WriteAsJsonAsync(error, ContractsJsonContext.Default.ErrorResponse, cancellationToken: cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
