using LocalDapr.Resources;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Abstractions;

/// <summary>
/// The sidecar of one app-id: its two listening ports, its tokens, the resources in scope for it,
/// and the app instances (replicas) behind it. Owned by the host (Hosting/), read by every feature.
/// </summary>
public sealed class SidecarApp(string appId, int httpPort, int grpcPort, ResourceSet resources)
{
    public string AppId { get; } = appId;
    public int HttpPort { get; } = httpPort;
    public int GrpcPort { get; } = grpcPort;

    /// <summary>Resources loaded from this app's resources paths, already filtered by <c>scopes</c>.</summary>
    public ResourceSet Resources { get; } = resources;

    /// <summary>When set, callers of this sidecar must send it as <c>dapr-api-token</c> (DAPR_API_TOKEN).</summary>
    public string? ApiToken { get; init; }

    /// <summary>When set, the sidecar sends it to the app as <c>dapr-api-token</c> (APP_API_TOKEN).</summary>
    public string? AppApiToken { get; init; }

    /// <summary><c>http</c>, <c>https</c>, <c>grpc</c>, <c>grpcs</c> or <c>h2c</c>; only http is served to apps for now.</summary>
    public string AppProtocol { get; init; } = "http";

    /// <summary>The <c>Configuration</c> document from the app's config file (<c>configFilePath</c>), when one is given.</summary>
    public DaprResource? Configuration { get; init; }

    /// <summary><c>spec.tracing.samplingRate</c> of <see cref="Configuration"/> (daprd's default is 1 in self-hosted mode).</summary>
    public double TraceSamplingRate { get; init; } = 1;

    /// <summary>Largest request body the sidecar accepts (daprd <c>maxBodySize</c>, default 4Mi).</summary>
    public long MaxBodySizeBytes { get; init; } = 4 * 1024 * 1024;
}

/// <summary>Finds the sidecar a request arrived at (by local port). Implemented by the host.</summary>
public interface ISidecarResolver
{
    /// <summary>The sidecar whose HTTP or gRPC port received this request.</summary>
    SidecarApp Resolve(HttpContext context);

    SidecarApp? Find(string appId);

    IReadOnlyCollection<SidecarApp> All { get; }
}

/// <summary>Thrown where daprd would answer that a component (store, pubsub, secret store) is not found or not in scope.</summary>
public sealed class ComponentNotFoundException(string category, string name)
    : Exception($"{category} {name} is not found")
{
    public string Category { get; } = category;
    public string ComponentName { get; } = name;
}
