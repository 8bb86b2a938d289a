using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Router.Limits;

/// <summary>
/// Oversized bodies are refused with 413 in the OpenAI shape: at once when Content-Length says so, and for chunked
/// bodies by Kestrel's per-request limit while the body streams through the proxy (the proxy error is mapped to 413).
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, IOptions<RouterOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await OpenAiErrors.PayloadTooLarge(limit).ExecuteAsync(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        await next(context);
    }
}
