namespace LocalDapr.RunFile;

/// <summary>
/// Command-line changes to a parsed run file: <c>--port-offset</c> (added to every non-zero app and sidecar port,
/// so a second copy can run beside a dev instance), <c>--app-port id=port</c> (absolute, applied after the offset)
/// and <c>--only</c> (start a subset). <see cref="Apply"/> then checks that no port is used twice.
/// </summary>
public sealed record RunOverrides
{
    public int PortOffset { get; init; }
    public IReadOnlyDictionary<string, int> AppPorts { get; init; } = new Dictionary<string, int>();
    public IReadOnlyList<string> Only { get; init; } = [];

    public RunPlan Apply(RunPlan plan, int adminPort)
    {
        foreach (var id in Only.Concat(AppPorts.Keys))
        {
            if (!plan.AppIds.Contains(id, StringComparer.Ordinal))
            {
                throw new RunFileException($"unknown app-id '{id}'; the run file has: {string.Join(", ", plan.AppIds)}");
            }
        }

        foreach (var (id, _) in AppPorts)
        {
            if (plan.ReplicasOf(id).Count > 1)
            {
                throw new RunFileException($"--app-port {id}: '{id}' has {plan.ReplicasOf(id).Count} replicas, each with its own port; change them in the run file");
            }
        }

        var apps = plan.Apps
            .Where(a => Only.Count == 0 || Only.Contains(a.AppId, StringComparer.Ordinal))
            .Select(a => a with
            {
                AppPort = AppPorts.TryGetValue(a.AppId, out var port) ? port : Shift(a.AppPort),
                DaprHttpPort = Shift(a.DaprHttpPort),
                DaprGrpcPort = Shift(a.DaprGrpcPort),
            })
            .ToList();
        var result = plan with { Apps = apps };
        CheckPorts(result, adminPort);
        return result;
    }

    private int Shift(int port)
    {
        if (port == 0)
        {
            return 0;
        }

        var shifted = port + PortOffset;
        return shifted is > 0 and <= 65535 ? shifted
            : throw new RunFileException($"--port-offset {PortOffset} moves port {port} out of range 1-65535");
    }

    private static void CheckPorts(RunPlan plan, int adminPort)
    {
        var owners = new Dictionary<int, string> { [adminPort] = "the admin endpoint (--admin-port)" };
        void Claim(int port, string owner)
        {
            if (port == 0)
            {
                return;
            }

            if (owners.TryGetValue(port, out var other))
            {
                throw new RunFileException($"{plan.RunFilePath}: port {port} is used twice: by {other} and by {owner}");
            }

            owners[port] = owner;
        }

        foreach (var app in plan.Apps)
        {
            Claim(app.AppPort, $"appPort of {app.DisplayName}");
            if (app.ReplicaIndex == 0)
            {
                Claim(app.DaprHttpPort, $"daprHTTPPort of {app.AppId}");
                Claim(app.DaprGrpcPort, $"daprGRPCPort of {app.AppId}");
            }
        }
    }
}
