using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DeepSeek.Dapr.ServiceDefaults.Sse;

/// <summary>
/// Writes OpenAI-style server-sent events (<c>data: {json}\n\n</c>, <c>: comment</c>, <c>data: [DONE]</c>) and flushes
/// after every event so each token reaches the client as soon as it exists. Safe to call from a keep-alive timer and
/// the relay loop at the same time: writes are serialised, so a comment never lands inside a data event.
/// </summary>
public sealed class SseEventWriter(Stream body)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Sets the SSE headers, turns off response buffering (and proxy buffering via X-Accel-Buffering) and sends the headers.</summary>
    public static async Task<SseEventWriter> StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        return new SseEventWriter(response.Body);
    }

    public Task WriteDataAsync(string data, CancellationToken cancellationToken) =>
        WriteDataAsync(Encoding.UTF8.GetBytes(data), cancellationToken);

    public Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        WriteDataAsync(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), cancellationToken);

    public async Task WriteDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await body.WriteAsync(DataPrefix, cancellationToken);
            await body.WriteAsync(data, cancellationToken);
            await body.WriteAsync(EventEnd, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A comment line (<c>: text</c>); clients ignore it, proxies see traffic, so idle connections stay open.</summary>
    public Task WriteCommentAsync(string text, CancellationToken cancellationToken) =>
        WriteRawAsync(Encoding.UTF8.GetBytes($": {text}\n\n"), cancellationToken);

    public Task WriteDoneAsync(CancellationToken cancellationToken) => WriteRawAsync(DoneEvent, cancellationToken);

    private async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await body.WriteAsync(bytes, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
