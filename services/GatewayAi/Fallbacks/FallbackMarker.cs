using System.Diagnostics;

namespace DeepSeek.Dapr.GatewayAi.Fallbacks;

/// <summary>Kinds of fallback a reply can be served by; the values are what clients see in <c>X-Fallback</c>.</summary>
public static class FallbackKinds
{
    /// <summary>auth or users could not answer; a cached positive key decision and the local allowance admitted the request.</summary>
    public const string AuthCache = "auth-cache";

    /// <summary>The model's backend was down; its registered fallback model answered.</summary>
    public const string ModelFailover = "model-failover";

    /// <summary>
    /// A dependency was down and nothing could stand in: a clear 503 with Retry-After. Also on a 200 generated
    /// without the stored conversation because chat was down (ADR 0004): the answer is there, but not the full service.
    /// </summary>
    public const string Degraded = "degraded";
}

/// <summary>
/// Makes a fallback visible in the three places operators look: the <c>X-Fallback</c> response header (a list when
/// several apply), the request's span (<c>deepseek.fallback</c>) and the <c>deepseek.gateway.fallbacks</c> counter.
/// </summary>
public sealed class FallbackMarker(GatewayMetrics metrics)
{
    public const string Header = "X-Fallback";
    public const string SpanAttribute = "deepseek.fallback";

    public void Mark(HttpContext context, string kind)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.Append(Header, kind);
        }

        Activity.Current?.AddTag(SpanAttribute, kind);
        metrics.Fallback(kind);
    }
}
