using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults.OpenAi;

/// <summary>
/// Reads a JSON request body with a source-generated type. A body that is not JSON, or a field of the wrong JSON type,
/// becomes a 400 in the OpenAI shape that names the field (from <see cref="JsonException.Path"/>), where minimal API
/// binding would answer a bare 400 without saying what is wrong.
/// </summary>
public static class JsonBodyReader
{
    /// <summary>
    /// The body as <typeparamref name="T"/>; an empty body gives <paramref name="whenEmpty"/> when one is allowed
    /// (optional bodies), otherwise a 400.
    /// </summary>
    public static async Task<(T? Value, OpenAiErrorResult? Error)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken, T? whenEmpty = default)
        where T : class
    {
        // Read whole (management bodies are small; the router caps every body): "empty" is then known for certain,
        // also when a proxy forwarded the request chunked.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return whenEmpty is not null
                ? (whenEmpty, null)
                : (null, OpenAiErrors.BadRequest("The request body must be a JSON object.", code: "invalid_json"));
        }

        try
        {
            var body = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
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
    public static string? ToParam(string? path) =>
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
        _ when clrType.Contains("System.Double", StringComparison.Ordinal) || clrType.Contains("System.Decimal", StringComparison.Ordinal) => "a number",
        _ when clrType.Contains("System.Int32", StringComparison.Ordinal) || clrType.Contains("System.Int64", StringComparison.Ordinal) => "an integer",
        _ when clrType.Contains("System.Boolean", StringComparison.Ordinal) => "a boolean",
        _ when clrType.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when clrType.Contains("DateTimeOffset", StringComparison.Ordinal) => "a date-time string (ISO 8601)",
        _ when clrType.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };
}
