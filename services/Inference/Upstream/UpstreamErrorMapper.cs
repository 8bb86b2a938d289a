using System.Net;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Backends;

namespace DeepSeek.Dapr.Inference.Upstream;

/// <summary>
/// Turns a failed upstream reply into the caller's error: a 4xx keeps its status and the upstream's own message (the
/// request was wrong for that model); a 5xx becomes 502, and 503 — or daprd reporting that it could not reach the
/// endpoint at all — becomes 503, so gateways can tell "broken" from "down".
/// </summary>
public static class UpstreamErrorMapper
{
    private const int MaxBodyChars = 500;

    public static async Task<BackendException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        var upstream = TryParseError(body);
        var message = upstream?.Error.Message ?? Truncate(body);

        if (status is >= 400 and < 500)
        {
            var text = string.IsNullOrWhiteSpace(message) ? $"The upstream model server rejected the request ({status})." : $"Upstream model server: {message}";
            var type = upstream?.Error.Type ?? ErrorTypes.InvalidRequest;
            return new BackendException(status, ErrorResponse.Create(text, type, upstream?.Error.Code ?? "upstream_error", upstream?.Error.Param));
        }

        if (response.StatusCode == HttpStatusCode.ServiceUnavailable || body.Contains("ERR_DIRECT_INVOKE", StringComparison.Ordinal))
        {
            return BackendException.Unavailable($"The upstream model server is unavailable ({status}).");
        }

        return BackendException.BadGateway(string.IsNullOrWhiteSpace(message)
            ? $"The upstream model server failed ({status})."
            : $"The upstream model server failed ({status}): {message}");
    }

    public static BackendException Unreachable(HttpRequestException exception) =>
        BackendException.Unavailable($"The upstream model server could not be reached: {exception.Message}");

    public static BackendException InvalidReply(string what) =>
        BackendException.BadGateway($"The upstream model server sent an invalid reply: {what}.");

    /// <summary>
    /// Reads OpenAI's <c>{"error":{"message",...}}</c> leniently (type, code and param are optional, code may be a
    /// number) and Ollama's <c>{"error":"text"}</c>.
    /// </summary>
    private static ErrorResponse? TryParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return ErrorResponse.Create(error.GetString()!, ErrorTypes.InvalidRequest);
            }

            return error.ValueKind == JsonValueKind.Object && Text(error, "message") is { } message
                ? ErrorResponse.Create(message, Text(error, "type") ?? ErrorTypes.InvalidRequest, Text(error, "code"), Text(error, "param"))
                : null;
        }
        catch (JsonException)
        {
            // Not JSON after all (e.g. an HTML error page): the raw text is used instead.
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString()
            : null;

    private static string Truncate(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= MaxBodyChars ? trimmed : trimmed[..MaxBodyChars] + "…";
    }
}
