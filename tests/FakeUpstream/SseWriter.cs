using Microsoft.AspNetCore.Http;

namespace FakeUpstream;

/// <summary>Writes server-sent events and flushes each one, so the caller sees every chunk as it is produced.</summary>
internal sealed class SseWriter(HttpResponse response, CancellationToken aborted)
{
    public async Task StartAsync()
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(aborted);
    }

    public Task DataAsync(string data) => WriteAsync($"data: {data}\n\n");

    public Task CommentAsync(string text) => WriteAsync($": {text}\n\n");

    private async Task WriteAsync(string text)
    {
        await response.WriteAsync(text, aborted);
        await response.Body.FlushAsync(aborted);
    }
}
