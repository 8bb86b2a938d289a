namespace LocalDapr.RunFile;

/// <summary>
/// One app process to start, after path resolution and merging with <c>common</c>: what the Dapr CLI's
/// <c>GetApps</c> returns for one entry. Paths are absolute.
/// </summary>
public sealed record AppSpec
{
    public required string AppId { get; init; }
    public required string AppDirPath { get; init; }

    /// <summary>0 when the app listens on no port (no app channel, no health probe), as with <c>dapr run</c>.</summary>
    public int AppPort { get; init; }

    /// <summary>0 = pick a free port at start.</summary>
    public int DaprHttpPort { get; init; }
    public int DaprGrpcPort { get; init; }
    /// <summary>Empty: only the sidecar is served, the app is started elsewhere (as <c>dapr run</c> without a command).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The run file's env, common merged under the app's (app keys win).</summary>
    public required IReadOnlyDictionary<string, string> Env { get; init; }
    public required IReadOnlyList<string> ResourcesPaths { get; init; }
    public string? ConfigFilePath { get; init; }
    public string AppProtocol { get; init; } = "http";
    public string? AppChannelAddress { get; init; }
    public string AppHealthCheckPath { get; init; } = "/healthz";
    public bool EnableAppHealthCheck { get; init; }
    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    public int AppHealthThreshold { get; init; } = 3;
    public long MaxBodySizeBytes { get; init; } = 4 * 1024 * 1024;
    public string? LogLevel { get; init; }

    /// <summary>0 for the first entry of an app-id, 1.. for further replicas (entries with the same appID).</summary>
    public int ReplicaIndex { get; init; }

    /// <summary>The prefix put before each line the app prints.</summary>
    public string DisplayName => ReplicaIndex == 0 ? AppId : $"{AppId}#{ReplicaIndex + 1}";
}

/// <summary>The parsed run file: every app entry in file order, plus non-fatal warnings (unknown keys).</summary>
public sealed record RunPlan(string RunFilePath, string? Name, IReadOnlyList<AppSpec> Apps, IReadOnlyList<string> Warnings)
{
    /// <summary>App-ids in file order of their first entry.</summary>
    public IReadOnlyList<string> AppIds => Apps.Select(a => a.AppId).Distinct(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<AppSpec> ReplicasOf(string appId) => Apps.Where(a => a.AppId == appId).ToArray();
}
