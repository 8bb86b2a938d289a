using Microsoft.Extensions.Configuration;

namespace DeepSeek.Dapr.ServiceDefaults;

/// <summary>
/// Where this app's sidecar listens, resolved the way the Dapr SDK does it:
/// <c>DAPR_HTTP_ENDPOINT</c> wins over <c>DAPR_HTTP_PORT</c> (default 3500).
/// </summary>
public sealed record DaprSidecarOptions(Uri HttpEndpoint, string? ApiToken)
{
    public static DaprSidecarOptions FromConfiguration(IConfiguration configuration)
    {
        var endpoint = configuration["DAPR_HTTP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            var port = configuration["DAPR_HTTP_PORT"];
            endpoint = $"http://127.0.0.1:{(string.IsNullOrWhiteSpace(port) ? "3500" : port)}";
        }

        var token = configuration["DAPR_API_TOKEN"];
        return new DaprSidecarOptions(new Uri(endpoint), string.IsNullOrWhiteSpace(token) ? null : token);
    }
}
