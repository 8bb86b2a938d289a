using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DeepSeek.Dapr.ServiceDefaults.Http;

/// <summary>
/// A JSON request body serialised before sending. <see cref="System.Net.Http.Json.JsonContent"/> has no length, so
/// HTTP/1.1 sends it chunked (headers, chunk, terminator: several small writes, and the sidecar has to parse chunks);
/// with a Content-Length the small bodies of service calls leave with their headers in one write. Every hop of a chat
/// request is such a call.
/// </summary>
public static class JsonBody
{
    public static ByteArrayContent Create<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
