using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LocalDapr.Launcher;

/// <summary>
/// The launcher's admin API (loopback only), used by <c>local-dapr status|stop|start</c> and by fault tests to stop
/// and restart one app while the rest run. <c>?instance={appPort}</c> picks one replica.
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/apps");
        group.MapGet("/", GetApps).WithName("ListApps");
        group.MapPost("/{appId}/stop", StopApp).WithName("StopApp");
        group.MapPost("/{appId}/start", StartApp).WithName("StartApp");
        return endpoints;
    }

    private static Ok<AppsResponse> GetApps(AdminContext admin) => TypedResults.Ok(admin.Snapshot());

    private static async Task<Results<Ok<AppResponse>, NotFound<AdminError>>> StopApp(string appId, int? instance, AdminContext admin)
    {
        if (admin.Find(appId, instance) is { } error)
        {
            return TypedResults.NotFound(error);
        }

        await admin.Supervisor.StopAsync(appId, instance);
        return TypedResults.Ok(admin.Snapshot(appId));
    }

    private static async Task<Results<Ok<AppResponse>, NotFound<AdminError>>> StartApp(string appId, int? instance, AdminContext admin, CancellationToken cancellationToken)
    {
        if (admin.Find(appId, instance) is { } error)
        {
            return TypedResults.NotFound(error);
        }

        // Answers once the started instances are healthy (or failed), so a caller can go on at once.
        await admin.Supervisor.StartAsync(appId, instance, cancellationToken);
        return TypedResults.Ok(admin.Snapshot(appId));
    }
}

/// <summary>What the admin handlers need: the supervisor and each app-id's sidecar ports.</summary>
internal sealed class AdminContext(AppSupervisor supervisor, IReadOnlyDictionary<string, (int Http, int Grpc)> sidecarPorts)
{
    public AppSupervisor Supervisor => supervisor;

    public AppsResponse Snapshot() => new(sidecarPorts.Keys.Select(Snapshot).ToArray());

    public AppResponse Snapshot(string appId) => new(
        appId,
        sidecarPorts[appId].Http,
        sidecarPorts[appId].Grpc,
        supervisor.Status().Where(s => s.AppId == appId).ToArray());

    public AdminError? Find(string appId, int? appPort)
    {
        var instances = supervisor.Status().Where(s => s.AppId == appId).ToArray();
        return instances.Length == 0 ? new AdminError($"app-id '{appId}' is not running in this launcher")
            : appPort is { } port && instances.All(s => s.AppPort != port) ? new AdminError($"app-id '{appId}' has no instance on app port {port}")
            : null;
    }
}

public sealed record AppsResponse(IReadOnlyList<AppResponse> Apps);

public sealed record AppResponse(string AppId, int DaprHttpPort, int DaprGrpcPort, IReadOnlyList<InstanceStatus> Instances);

public sealed record AdminError(string Message);
