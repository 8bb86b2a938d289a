namespace DeepSeek.Dapr.Contracts.OpenAi;

/// <summary>The OpenAI error shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed class ErrorResponse
{
    public required ErrorBody Error { get; set; }

    public static ErrorResponse Create(string message, string type, string? code = null, string? param = null) =>
        new() { Error = new ErrorBody { Message = message, Type = type, Code = code, Param = param } };
}

public sealed class ErrorBody
{
    public required string Message { get; set; }
    public required string Type { get; set; }
    public string? Param { get; set; }
    public string? Code { get; set; }
}

/// <summary>Error <c>type</c> values, matched to the HTTP statuses DeepSeek documents.</summary>
public static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";   // 400, 404, 422
    public const string Authentication = "authentication_error";    // 401
    public const string InsufficientBalance = "insufficient_balance"; // 402
    public const string PermissionDenied = "permission_error";       // 403
    public const string RateLimit = "rate_limit_error";               // 429
    public const string Server = "server_error";                      // 500
    public const string Unavailable = "service_unavailable";          // 503
}
