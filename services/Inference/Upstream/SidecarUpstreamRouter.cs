using DeepSeek.Dapr.ServiceDefaults;

namespace DeepSeek.Dapr.Inference.Upstream;

/// <summary>
/// Invokes upstreams through this app's sidecar: <c>/v1.0/invoke/{endpoint}/method/v1/chat/completions</c>, where the
/// endpoint is an <c>HTTPEndpoint</c> resource name or, for FQDN invocation, the raw http(s) base URL, which daprd
/// accepts in the path as is. The sidecar applies the resiliency policies and any headers the resource declares.
/// </summary>
public sealed class SidecarUpstreamRouter(DaprSidecarOptions sidecar) : IUpstreamRouter
{
    public Uri ChatCompletionsUri(string endpoint) =>
        new($"{sidecar.HttpEndpoint.ToString().TrimEnd('/')}/v1.0/invoke/{UpstreamEndpoint.Normalize(endpoint)}/method/v1/chat/completions");

    public void Prepare(HttpRequestMessage request)
    {
        if (sidecar.ApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
    }
}

/// <summary>Endpoint spelling rules shared by every router.</summary>
public static class UpstreamEndpoint
{
    /// <summary>
    /// Trims trailing slashes and a trailing <c>/v1</c>: OpenAI clients are usually configured with a base URL ending
    /// in <c>/v1</c>, and the path we append already starts with it.
    /// </summary>
    public static string Normalize(string endpoint)
    {
        var trimmed = endpoint.Trim().TrimEnd('/');
        return trimmed.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) && trimmed.Contains("://", StringComparison.Ordinal)
            ? trimmed[..^3]
            : trimmed;
    }
}
