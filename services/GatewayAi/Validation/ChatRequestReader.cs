using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Validation;

/// <summary>
/// Reads the body with the source-generated contracts. A body that is not JSON, or a field of the wrong JSON type,
/// becomes a 400 that names the field (from <see cref="JsonException.Path"/>) instead of a generic failure.
/// </summary>
public static class ChatRequestReader
{
    public static async Task<(ChatCompletionRequest? Request, OpenAiErrorResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, ContractsJsonContext.Default.ChatCompletionRequest, cancellationToken);
            return body is null
                ? (null, OpenAiErrors.BadRequest("The request body must be a JSON object.", code: "invalid_json"))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, FromJsonException(ex));
        }
    }

    public static OpenAiErrorResult FromJsonException(JsonException ex)
    {
        // A syntax error arrives wrapped (the reader's own JsonException inside); a type mismatch does not.
        var syntax = ex.InnerException is JsonException;
        var param = syntax ? null : ToParam(ex.Path);
        var detail = syntax ? $"{Describe(ex.InnerException!)} (at {ex.Path ?? "$"}, byte {ex.BytePositionInLine})" : Describe(ex);
        return param is null
            ? OpenAiErrors.BadRequest($"The request body is not valid JSON: {detail}", code: "invalid_json")
            : OpenAiErrors.BadRequest($"Invalid type for '{param}': {detail}", param, "invalid_type");
    }

    /// <summary><c>$.messages[0].content</c> → <c>messages[0].content</c>; the root (<c>$</c>) names no field.</summary>
    internal static string? ToParam(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 9." to its messages; the path is
    // already in `param`, and "converted to System.Nullable`1[System.Double]" means nothing to an API client.
    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var target = message["The JSON value could not be converted to ".Length..].TrimEnd('.');
            message = $"expected {FriendlyType(target)}";
        }

        return message.TrimEnd('.') + ".";
    }

    private static string FriendlyType(string clrType) => clrType switch
    {
        _ when clrType.Contains("System.Double", StringComparison.Ordinal) => "a number",
        _ when clrType.Contains("System.Int32", StringComparison.Ordinal) || clrType.Contains("System.Int64", StringComparison.Ordinal) => "an integer",
        _ when clrType.Contains("System.Boolean", StringComparison.Ordinal) => "a boolean",
        _ when clrType.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when clrType.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };
}
