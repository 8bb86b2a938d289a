using Dapr;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Users.Apis;

/// <summary>
/// The internal API depends on the sidecar (actor calls, users-db). When that hop fails the caller gets a 503 with
/// Retry-After in the OpenAI shape, which it can act on, instead of a generic 500.
/// </summary>
public sealed partial class AccountsUnavailableFilter(ILogger<AccountsUnavailableFilter> logger) : IEndpointFilter
{
    private const int RetryAfterSeconds = 1;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (IsUnavailable(ex, context.HttpContext.RequestAborted))
        {
            LogUnavailable(logger, ex, context.HttpContext.Request.Path);
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Json(
                ErrorResponse.Create("The account service is temporarily unavailable; retry shortly.", ErrorTypes.Unavailable, "service_unavailable"),
                DeepSeek.Dapr.Contracts.ContractsJsonContext.Default.ErrorResponse,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static bool IsUnavailable(Exception ex, CancellationToken requestAborted) => ex switch
    {
        DaprException or HttpRequestException or StateConflictException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested, // a timeout, not the caller leaving
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account operation on {Path} failed: sidecar, actor or store unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}
