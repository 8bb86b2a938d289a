using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Inference.Backends;

/// <summary>A generation failure with the HTTP status and OpenAI error body the caller should receive.</summary>
public sealed class BackendException(int status, ErrorResponse error, int? retryAfterSeconds = null)
    : Exception(error.Error.Message)
{
    public int Status { get; } = status;
    public ErrorResponse Error { get; } = error;
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    public static BackendException BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(StatusCodes.Status400BadRequest, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, code, param));

    public static BackendException BadGateway(string message) =>
        new(StatusCodes.Status502BadGateway, ErrorResponse.Create(message, ErrorTypes.Server, "upstream_error"));

    public static BackendException Unavailable(string message, int retryAfterSeconds = 5) =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorResponse.Create(message, ErrorTypes.Unavailable, "backend_unavailable"), retryAfterSeconds);
}
