using System.Net;
using System.Net.Sockets;
using LocalDapr.RunFile;

namespace LocalDapr.Launcher;

/// <summary>Gives sidecar ports left at 0 a free loopback port, as <c>dapr run</c> does; replicas keep sharing their app-id's ports.</summary>
internal static class PortAllocator
{
    public static RunPlan AssignFreePorts(RunPlan plan)
    {
        var assigned = new Dictionary<string, (int Http, int Grpc)>(StringComparer.Ordinal);
        var apps = plan.Apps.Select(app =>
        {
            if (!assigned.TryGetValue(app.AppId, out var ports))
            {
                ports = (app.DaprHttpPort == 0 ? FreePort() : app.DaprHttpPort, app.DaprGrpcPort == 0 ? FreePort() : app.DaprGrpcPort);
                assigned[app.AppId] = ports;
            }

            return app with { DaprHttpPort = ports.Http, DaprGrpcPort = ports.Grpc };
        }).ToList();
        return plan with { Apps = apps };
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
