namespace LocalDapr.RunFile;

/// <summary>
/// Reads a Multi-App Run file and resolves it the way the Dapr CLI's <c>GetApps</c> does:
/// <list type="bullet">
/// <item><c>common</c> paths are relative to the run file's directory, app paths relative to <c>appDirPath</c>;
/// <c>~</c> is expanded and every given path must exist.</item>
/// <item>A zero-valued shared field of an app takes the <c>common</c> value; for <c>env</c> the app's keys win.</item>
/// <item>Resources: <c>apps[i].resourcesPaths</c> &gt; <c>&lt;appDirPath&gt;/.dapr/resources</c> &gt;
/// <c>common.resourcesPaths</c> &gt; <c>$HOME/.dapr/components</c>; config file likewise with
/// <c>.dapr/config.yaml</c> and <c>$HOME/.dapr/config.yaml</c>.</item>
/// <item><c>appID</c> defaults to the base name of <c>appDirPath</c>.</item>
/// </list>
/// Difference from <c>dapr run -f</c>: entries that share an <c>appID</c> are replicas of one app-id behind ONE
/// sidecar (the first entry's dapr ports, resources and tokens; a later entry may omit the ports, and may not
/// name different ones), where the Dapr CLI would start one daprd per entry.
/// </summary>
public static class RunFileParser
{
    private static readonly string[] Protocols = ["http", "https", "grpc", "grpcs", "h2c"];
    private static readonly string[] LogDestinations = ["file", "console", "fileAndConsole"];

    /// <summary>Probe defaults when <c>enableAppHealthCheck</c> is on (the CLI's interval is whole seconds).</summary>
    public const int FastProbeIntervalSeconds = 1;
    public const int FastProbeThreshold = 2;

    /// <summary><paramref name="path"/> is the run file, or a directory holding <c>dapr.yaml</c>.</summary>
    /// <param name="resourcesPathsOverride">Replaces <c>common.resourcesPaths</c> (command line <c>--resources-path</c>).</param>
    public static RunPlan Load(string path, IReadOnlyList<string>? resourcesPathsOverride = null, string? homeDirectory = null)
    {
        var file = Path.GetFullPath(Directory.Exists(path) ? Path.Combine(path, "dapr.yaml") : path);
        if (!File.Exists(file))
        {
            throw new RunFileException($"run file '{file}' does not exist");
        }

        using var text = File.OpenText(file);
        var (document, warnings) = RunFileReader.Read(file, text);
        if (resourcesPathsOverride is { Count: > 0 })
        {
            document.Common.ResourcesPaths = resourcesPathsOverride.Select(p => Path.GetFullPath(p)).ToList();
            document.Common.ResourcesPath = null;
        }

        return Resolve(file, document, warnings, homeDirectory ?? DefaultHome());
    }

    public static RunPlan Resolve(string file, RunFileDocument doc, IReadOnlyList<string> warnings, string homeDirectory)
    {
        if (doc.Version == 0)
        {
            throw new RunFileException($"{file}: required field 'version' not found (it must be a non-zero integer)");
        }

        if (doc.Apps.Count == 0)
        {
            throw new RunFileException($"{file}: 'apps' is empty: there is nothing to run");
        }

        var baseDir = Path.GetDirectoryName(file)!;
        var common = doc.Common;
        var commonResources = ResolvePaths(file, 0, "common.resourcesPaths", baseDir, homeDirectory, common.ResourcesPaths, common.ResourcesPath, mustBeDirectory: true);
        var commonConfig = ResolvePath(file, 0, "common.configFilePath", baseDir, homeDirectory, common.ConfigFilePath, mustBeDirectory: false);

        var apps = new List<AppSpec>();
        for (var i = 0; i < doc.Apps.Count; i++)
        {
            apps.Add(ResolveApp(file, i, doc.Apps[i], common, commonResources, commonConfig, baseDir, homeDirectory));
        }

        return new RunPlan(file, doc.Name, ShareSidecarPorts(file, apps, doc.Apps), warnings);
    }

    private static AppSpec ResolveApp(string file, int index, AppRunConfig app, SharedRunConfig common,
        IReadOnlyList<string> commonResources, string? commonConfig, string baseDir, string home)
    {
        var field = $"apps[{index}]";
        if (string.IsNullOrWhiteSpace(app.AppDirPath))
        {
            throw new RunFileException($"{file}:{app.Line}: {field}: required field 'appDirPath' not found");
        }

        var appDir = ResolvePath(file, app.Line, $"{field}.appDirPath", baseDir, home, app.AppDirPath, mustBeDirectory: true)!;
        var appId = string.IsNullOrWhiteSpace(app.AppId) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(appDir)) : app.AppId;
        if (app.Command is { Count: > 0 } && string.IsNullOrWhiteSpace(app.Command[0]))
        {
            throw new RunFileException($"{file}:{app.Line}: {field}.command: the program name (first item) is empty");
        }

        var resources = ResolvePaths(file, app.Line, $"{field}.resourcesPaths", appDir, home, app.ResourcesPaths, app.ResourcesPath, mustBeDirectory: true);
        var localResources = Path.Combine(appDir, ".dapr", "resources");
        var homeResources = Path.Combine(home, ".dapr", "components");
        IReadOnlyList<string> resourcesPaths =
            resources.Count > 0 ? resources
            : Directory.Exists(localResources) ? [localResources]
            : commonResources.Count > 0 ? commonResources
            : Directory.Exists(homeResources) ? [homeResources]
            : [];

        var config = ResolvePath(file, app.Line, $"{field}.configFilePath", appDir, home, app.ConfigFilePath, mustBeDirectory: false);
        var localConfig = Path.Combine(appDir, ".dapr", "config.yaml");
        var homeConfig = Path.Combine(home, ".dapr", "config.yaml");
        var configFile = config
            ?? (File.Exists(localConfig) ? localConfig : commonConfig ?? (File.Exists(homeConfig) ? homeConfig : null));

        var env = new Dictionary<string, string>(common.Env ?? [], StringComparer.Ordinal);
        foreach (var (k, v) in app.Env ?? [])
        {
            env[k] = v;
        }

        var protocol = Pick(app.AppProtocol, common.AppProtocol) ?? "http";
        Check(file, app.Line, $"{field}.appProtocol", protocol, Protocols);
        Check(file, app.Line, $"{field}.appLogDestination", Pick(app.AppLogDestination, common.AppLogDestination) ?? "console", LogDestinations);
        Check(file, app.Line, $"{field}.daprdLogDestination", Pick(app.DaprdLogDestination, common.DaprdLogDestination) ?? "console", LogDestinations);

        var maxBody = Pick(app.MaxBodySize, common.MaxBodySize) ?? "4Mi";
        if (!ByteSize.TryParse(maxBody, out var maxBodyBytes))
        {
            throw new RunFileException($"{file}:{app.Line}: {field}.maxBodySize: '{maxBody}' is not a size such as 4Mi");
        }

        var healthPath = Pick(app.AppHealthCheckPath, common.AppHealthCheckPath) ?? "/healthz";
        var healthChecks = app.EnableAppHealthCheck is true || (app.EnableAppHealthCheck is null or false && common.EnableAppHealthCheck is true);

        // With health checks on, a hung instance should leave the rotation within about two seconds, not daprd's
        // 15 s (5 s × 3); a refused connection takes it out at once anyway (see AppInstanceRegistry.MarkUnreachable).
        var (interval, threshold) = healthChecks ? (FastProbeIntervalSeconds, FastProbeThreshold) : (5, 3);
        return new AppSpec
        {
            AppId = appId,
            AppDirPath = appDir,
            AppPort = app.AppPort,
            DaprHttpPort = app.DaprHttpPort,
            DaprGrpcPort = app.DaprGrpcPort,
            Command = app.Command ?? [],
            Env = env,
            ResourcesPaths = resourcesPaths,
            ConfigFilePath = configFile,
            AppProtocol = protocol,
            AppChannelAddress = string.IsNullOrWhiteSpace(app.AppChannelAddress) ? null : app.AppChannelAddress,
            AppHealthCheckPath = healthPath.StartsWith('/') ? healthPath : "/" + healthPath,
            EnableAppHealthCheck = healthChecks,
            AppHealthProbeInterval = TimeSpan.FromSeconds(Positive(app.AppHealthProbeInterval, common.AppHealthProbeInterval) ?? interval),
            AppHealthProbeTimeout = TimeSpan.FromMilliseconds(Positive(app.AppHealthProbeTimeout, common.AppHealthProbeTimeout) ?? 500),
            AppHealthThreshold = Positive(app.AppHealthThreshold, common.AppHealthThreshold) ?? threshold,
            MaxBodySizeBytes = maxBodyBytes,
            LogLevel = Pick(app.LogLevel, common.LogLevel),
        };
    }

    /// <summary>Later entries of an app-id become replicas behind the first entry's sidecar.</summary>
    private static List<AppSpec> ShareSidecarPorts(string file, List<AppSpec> apps, List<AppRunConfig> raw)
    {
        var result = new List<AppSpec>();
        for (var i = 0; i < apps.Count; i++)
        {
            var app = apps[i];
            var first = result.FirstOrDefault(a => a.AppId == app.AppId);
            if (first is null)
            {
                result.Add(app);
                continue;
            }

            if ((app.DaprHttpPort != 0 && app.DaprHttpPort != first.DaprHttpPort) || (app.DaprGrpcPort != 0 && app.DaprGrpcPort != first.DaprGrpcPort))
            {
                throw new RunFileException($"{file}:{raw[i].Line}: apps[{i}] ({app.AppId}): a replica shares the sidecar of the first '{app.AppId}' entry; " +
                    $"omit daprHTTPPort/daprGRPCPort or use {first.DaprHttpPort}/{first.DaprGrpcPort}");
            }

            result.Add(app with
            {
                DaprHttpPort = first.DaprHttpPort,
                DaprGrpcPort = first.DaprGrpcPort,
                ReplicaIndex = result.Count(a => a.AppId == app.AppId),
            });
        }

        return result;
    }

    private static string? Pick(string? app, string? common) => string.IsNullOrWhiteSpace(app) ? common : app;

    private static int? Positive(int? app, int? common) => app is > 0 ? app : common is > 0 ? common : null;

    private static void Check(string file, int line, string field, string value, string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new RunFileException($"{file}:{line}: {field}: '{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    private static List<string> ResolvePaths(string file, int line, string field, string baseDir, string home,
        List<string>? paths, string? deprecatedSingle, bool mustBeDirectory)
    {
        var all = (paths ?? []).Concat(string.IsNullOrWhiteSpace(deprecatedSingle) ? [] : [deprecatedSingle]);
        return all.Select(p => ResolvePath(file, line, field, baseDir, home, p, mustBeDirectory)!).ToList();
    }

    private static string? ResolvePath(string file, int line, string field, string baseDir, string home, string? path, bool mustBeDirectory)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var expanded = path == "~" ? home
            : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..])
            : path;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(expanded, baseDir));
        var exists = mustBeDirectory ? Directory.Exists(full) : File.Exists(full);
        return exists ? full
            : throw new RunFileException($"{file}{(line > 0 ? ":" + line : string.Empty)}: {field}: {(mustBeDirectory ? "directory" : "file")} '{full}' does not exist");
    }

    private static string DefaultHome() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
