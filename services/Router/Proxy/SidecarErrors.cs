using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace DeepSeek.Dapr.Router.Proxy;

/// <summary>
/// Failures between the router and a gateway become a 503 with <c>Retry-After</c> in the OpenAI shape, never a bare
/// 502/500: (1) the proxy could not reach the sidecar (YARP's error feature), (2) the sidecar answered 5xx on its
/// own — gateway down, timeout, open breaker. (2) is told apart from a gateway's own reply by <c>X-Request-Id</c>,
/// which every gateway reply carries and the sidecar's own error replies do not. The router never retries: the
/// sidecar's resiliency policy for the gateway target (dapr-config/resiliency.yaml) is the only one on this hop.
/// </summary>
public static class SidecarErrors
{
    public static async ValueTask ReplaceAsync(ResponseTransformContext transform, string appId, int retryAfterSeconds)
    {
        var response = transform.ProxyResponse;
        if (response is null || (int)response.StatusCode < 500 || response.Headers.Contains(RequestIdExtensions.HeaderName))
        {
            return;
        }

        transform.SuppressResponseBody = true;
        var http = transform.HttpContext.Response;
        var requestId = transform.HttpContext.GetRequestId();
        http.Headers.Clear();
        http.Headers[RequestIdExtensions.HeaderName] = requestId;
        await Unavailable(appId, retryAfterSeconds).ExecuteAsync(transform.HttpContext);
    }

    /// <summary>Middleware inside the proxy pipeline: after forwarding, a transport failure becomes a 503 (or 413 for an oversized body).</summary>
    public static async Task MapForwarderErrorsAsync(HttpContext context, Func<Task> next, int retryAfterSeconds)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        if (IsBodyTooLarge(error.Exception))
        {
            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
            await OpenAiErrors.PayloadTooLarge(limit).ExecuteAsync(context);
            return;
        }

        if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return;
        }

        var appId = context.GetReverseProxyFeature().Cluster.Config.Metadata?.GetValueOrDefault(DaprInvokeTransforms.AppIdMetadata) ?? "gateway";
        await Unavailable(appId, retryAfterSeconds).ExecuteAsync(context);
    }

    // Kestrel's body limit surfaces inside the proxy's body-copy failure, wrapped once or twice.
    private static bool IsBodyTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marked like the gateways' own degraded replies, so clients and the fault suite tell them from failures.</summary>
    public const string FallbackHeader = "X-Fallback";
    public const string Degraded = "degraded";

    private static OpenAiErrorResult Unavailable(string appId, int retryAfterSeconds) =>
        OpenAiErrors.Unavailable($"The service is temporarily unavailable ({appId} cannot be reached). Retry after a few seconds.", retryAfterSeconds)
            .WithHeader(FallbackHeader, Degraded);
}
