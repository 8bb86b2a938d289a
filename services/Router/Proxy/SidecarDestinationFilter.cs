using DeepSeek.Dapr.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace DeepSeek.Dapr.Router.Proxy;

/// <summary>
/// appsettings.json names the destination of every cluster as <c>dapr-sidecar</c>; this puts in the address of the
/// router's own sidecar (DAPR_HTTP_ENDPOINT / DAPR_HTTP_PORT), which is only known at start.
/// </summary>
public sealed class SidecarDestinationFilter(DaprSidecarOptions sidecar) : IProxyConfigFilter
{
    public const string Placeholder = "http://dapr-sidecar";

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.Destinations is null)
        {
            return ValueTask.FromResult(cluster);
        }

        var address = sidecar.HttpEndpoint.ToString().TrimEnd('/');
        var destinations = cluster.Destinations.ToDictionary(
            d => d.Key,
            d => d.Value.Address.TrimEnd('/').Equals(Placeholder, StringComparison.OrdinalIgnoreCase) ? d.Value with { Address = address } : d.Value);
        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
