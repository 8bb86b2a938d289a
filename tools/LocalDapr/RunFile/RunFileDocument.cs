namespace LocalDapr.RunFile;

/// <summary>
/// The Multi-App Run file as written, with the Dapr CLI's keys (dapr/cli <c>pkg/runfileconfig</c>,
/// <c>pkg/standalone/run.go</c>). Nothing is resolved or merged yet: see <see cref="RunFileParser"/>.
/// </summary>
public sealed class RunFileDocument
{
    public int Version { get; set; }
    public string? Name { get; set; }
    public SharedRunConfig Common { get; set; } = new();
    public List<AppRunConfig> Apps { get; set; } = [];
}

/// <summary>Keys allowed both under <c>common</c> and per app (<c>SharedRunConfig</c>). Null means "not set" (Go's zero value).</summary>
public class SharedRunConfig
{
    public string? ConfigFilePath { get; set; }
    public string? AppProtocol { get; set; }

    /// <summary>Deprecated single path; appended to <see cref="ResourcesPaths"/> as the Dapr CLI does.</summary>
    public string? ResourcesPath { get; set; }
    public List<string>? ResourcesPaths { get; set; }
    public Dictionary<string, string>? Env { get; set; }
    public string? AppHealthCheckPath { get; set; }
    public bool? EnableAppHealthCheck { get; set; }

    /// <summary>Seconds between health probes once the app is healthy (daprd default 5).</summary>
    public int? AppHealthProbeInterval { get; set; }

    /// <summary>Milliseconds one probe may take (daprd default 500).</summary>
    public int? AppHealthProbeTimeout { get; set; }

    /// <summary>Consecutive failed probes before the app counts as unhealthy (daprd default 3).</summary>
    public int? AppHealthThreshold { get; set; }

    /// <summary>Kubernetes quantity such as <c>4Mi</c>.</summary>
    public string? MaxBodySize { get; set; }
    public string? LogLevel { get; set; }
    public string? DaprdLogDestination { get; set; }
    public string? AppLogDestination { get; set; }
}

/// <summary>One <c>apps[]</c> entry (<c>RunConfig</c>).</summary>
public sealed class AppRunConfig : SharedRunConfig
{
    public string? AppId { get; set; }
    public string? AppDirPath { get; set; }
    public int AppPort { get; set; }
    public int DaprHttpPort { get; set; }
    public int DaprGrpcPort { get; set; }
    public List<string>? Command { get; set; }
    public string? AppChannelAddress { get; set; }

    /// <summary>1-based line of the entry in the run file, for error messages.</summary>
    public int Line { get; set; }
}
