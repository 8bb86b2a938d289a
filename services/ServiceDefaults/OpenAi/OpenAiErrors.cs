using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults.OpenAi;

/// <summary>The public API's errors, one factory per status DeepSeek documents, so every service words them alike.</summary>
public static class OpenAiErrors
{
    public static OpenAiErrorResult BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(StatusCodes.Status400BadRequest, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, code, param));

    /// <summary>422: the body is well-formed JSON but a value is out of range or unknown (DeepSeek's "Invalid Parameters").</summary>
    public static OpenAiErrorResult InvalidParameter(string message, string param, string code = "invalid_parameter") =>
        new(StatusCodes.Status422UnprocessableEntity, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, code, param));

    public static OpenAiErrorResult Unauthorized(string message, string code = "invalid_api_key") =>
        new(StatusCodes.Status401Unauthorized, ErrorResponse.Create(message, ErrorTypes.Authentication, code));

    public static OpenAiErrorResult InsufficientBalance(string message) =>
        new(StatusCodes.Status402PaymentRequired, ErrorResponse.Create(message, ErrorTypes.InsufficientBalance, "insufficient_balance"));

    public static OpenAiErrorResult Forbidden(string message, string code = "permission_denied") =>
        new(StatusCodes.Status403Forbidden, ErrorResponse.Create(message, ErrorTypes.PermissionDenied, code));

    public static OpenAiErrorResult NotFound(string message, string code = "not_found", string? param = null) =>
        new(StatusCodes.Status404NotFound, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, code, param));

    public static OpenAiErrorResult ModelNotFound(string model) =>
        NotFound($"The model '{model}' does not exist or you do not have access to it.", "model_not_found", "model");

    public static OpenAiErrorResult PayloadTooLarge(long limitBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorResponse.Create(
            $"Request body is larger than the limit of {limitBytes} bytes.", ErrorTypes.InvalidRequest, "request_too_large"));

    public static OpenAiErrorResult TooManyRequests(string message, int retryAfterSeconds, string code = "rate_limit_exceeded") =>
        new(StatusCodes.Status429TooManyRequests, ErrorResponse.Create(message, ErrorTypes.RateLimit, code)) { RetryAfterSeconds = Math.Max(1, retryAfterSeconds) };

    public static OpenAiErrorResult Unavailable(string message, int retryAfterSeconds, string code = "service_unavailable") =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorResponse.Create(message, ErrorTypes.Unavailable, code)) { RetryAfterSeconds = Math.Max(1, retryAfterSeconds) };

    /// <summary>A public endpoint whose feature is not built yet: 501 with a plain statement, never a 404 or 500.</summary>
    public static OpenAiErrorResult NotImplemented(string feature) =>
        new(StatusCodes.Status501NotImplemented, ErrorResponse.Create(
            $"{feature} is not available on this platform yet.", ErrorTypes.InvalidRequest, "not_implemented"));

    /// <summary>Maps a non-allowed status from another service (users' quota decision, etc.) to the matching error.</summary>
    public static OpenAiErrorResult FromStatus(int status, string message, int? retryAfterSeconds = null) => status switch
    {
        StatusCodes.Status401Unauthorized => Unauthorized(message),
        StatusCodes.Status402PaymentRequired => InsufficientBalance(message),
        StatusCodes.Status403Forbidden => Forbidden(message),
        StatusCodes.Status404NotFound => NotFound(message),
        StatusCodes.Status429TooManyRequests => TooManyRequests(message, retryAfterSeconds ?? 1),
        StatusCodes.Status503ServiceUnavailable => Unavailable(message, retryAfterSeconds ?? 1),
        >= 400 and < 500 => new(status, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_request")),
        _ => new(StatusCodes.Status500InternalServerError, ErrorResponse.Create(message, ErrorTypes.Server, "internal_error")),
    };
}
