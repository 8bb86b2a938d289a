using LocalDapr.RunFile;

namespace LocalDapr.Launcher;

/// <summary>What <c>local-dapr run</c> was asked to do.</summary>
public sealed record LaunchOptions
{
    /// <summary>The run file, or a directory holding <c>dapr.yaml</c>.</summary>
    public required string RunFile { get; init; }

    /// <summary>Replaces <c>common.resourcesPaths</c> when not empty.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public RunOverrides Overrides { get; init; } = new();
    /// <summary>Null = 3490 plus the port offset.</summary>
    public int? AdminPort { get; init; }

    public int EffectiveAdminPort => AdminPort ?? DefaultAdminPort + Overrides.PortOffset;

    public const int DefaultAdminPort = 3490;
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections from the runtime to one app instance at most (<c>--max-app-connections</c>).</summary>
    public int MaxConnectionsPerApp { get; init; } = Hosting.LocalDaprRuntimeOptions.DefaultMaxConnectionsPerApp;
}
