using LocalDapr.Resiliency;

namespace LocalDapr.Invocation;

/// <summary>
/// Where an invocation goes, resolved once per (caller, target id) and cached: an app-id (instance picked per
/// request) or a fixed base URL (HTTPEndpoint or FQDN) with the headers it adds.
/// </summary>
internal sealed class InvocationTarget(string id, string? appId, string? baseUrl, KeyValuePair<string, string>[] headers, string? appApiToken, ResolvedPipeline resiliency)
{
    public string Id { get; } = id;

    /// <summary>Set for app targets; null for HTTP endpoints.</summary>
    public string? AppId { get; } = appId;

    /// <summary>Set for HTTP endpoints (no trailing slash).</summary>
    public string? BaseUrl { get; } = baseUrl;

    public KeyValuePair<string, string>[] Headers { get; } = headers;

    /// <summary>The target app's APP_API_TOKEN, sent as <c>dapr-api-token</c>.</summary>
    public string? AppApiToken { get; } = appApiToken;

    public ResolvedPipeline Resiliency { get; } = resiliency;
}

/// <summary>The target cannot be reached (no healthy instance, bad secret…): daprd's ERR_DIRECT_INVOKE.</summary>
internal sealed class InvocationTargetException(string message) : Exception(message);
