using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalDapr.Hosting;

/// <summary>daprd's health API: 204 when the sidecar is up (the runtime is up once it answers at all).</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1.0/healthz");
        group.MapGet("/", static () => Results.NoContent()).WithName("SidecarHealth");
        group.MapGet("/outbound", static () => Results.NoContent()).WithName("SidecarOutboundHealth");
        return endpoints;
    }
}
