using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Hosting;

/// <summary>daprd's HTTP error body: <c>{"errorCode":"ERR_…","message":"…"}</c>.</summary>
public static class DaprErrors
{
    public const string DirectInvoke = "ERR_DIRECT_INVOKE";
    public const string Unauthorized = "ERR_UNAUTHORIZED";
    public const string BodyTooLarge = "ERR_BODY_TOO_LARGE";
    public const string MalformedRequest = "ERR_MALFORMED_REQUEST";

    public static async Task WriteAsync(HttpContext context, int statusCode, string errorCode, string message)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers already went out (a streamed reply broke mid-way): the only honest signal left is an abort.
            context.Abort();
            return;
        }

        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("errorCode", errorCode);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
