using System.Globalization;
using System.Text.RegularExpressions;

namespace BenchCommon;

/// <summary>
/// The platform as <c>./run.sh</c> runs it (the built launcher with dapr.yaml, Release build), on ports shifted by an
/// offset, with a private copy of the local components (fresh SQLite files in a temp folder) so a run neither sees nor
/// leaves data of another. Stopped with SIGTERM (the launcher stops its apps); the copy is deleted afterwards.
/// </summary>
public sealed partial class LocalPlatform : IAsyncDisposable
{
    private const int RouterPort = 8080;
    private const int DefaultAdminPort = 3490;

    /// <summary>Set in the launcher's environment, so its apps inherit it and can be found if the launcher dies.</summary>
    private const string RunMarker = "LOCAL_PLATFORM_RUN";
    private readonly DirectoryInfo _resources;
    private readonly string _runId;

    private LocalPlatform(DirectoryInfo resources, ChildProcess launcher, int portOffset, string runId)
    {
        _resources = resources;
        Launcher = launcher;
        PortOffset = portOffset;
        _runId = runId;
    }

    public ChildProcess Launcher { get; }

    public int PortOffset { get; }

    /// <summary>The router: the public entry of the platform.</summary>
    public Uri RouterUrl => new($"http://127.0.0.1:{(RouterPort + PortOffset).ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The launcher's admin API (list, stop and start apps).</summary>
    public Uri AdminUrl => new($"http://127.0.0.1:{(DefaultAdminPort + PortOffset).ToString(CultureInfo.InvariantCulture)}");

    /// <param name="environment">Passed to the launcher and so to every app (bootstrap key, model registry, ...).</param>
    public static LocalPlatform Start(string repoRoot, int portOffset, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var launcherDll = Path.Combine(repoRoot, "tools", "LocalDapr", "bin", "Release", "net10.0", "local-dapr.dll");
        if (!File.Exists(launcherDll))
        {
            throw new InvalidOperationException($"{launcherDll} is missing: build in Release first");
        }

        var resources = CopyComponents(repoRoot);
        string[] arguments =
        [
            launcherDll, "run", "-f", Path.Combine(repoRoot, "dapr.yaml"),
            "--port-offset", portOffset.ToString(CultureInfo.InvariantCulture),
            "--admin-port", (DefaultAdminPort + portOffset).ToString(CultureInfo.InvariantCulture),
            "--resources-path", Path.Combine(resources.FullName, "components"),
            "--resources-path", Path.Combine(repoRoot, "dapr-config"),
        ];
        var runId = Guid.NewGuid().ToString("N");
        var marked = new Dictionary<string, string>(environment) { [RunMarker] = runId };
        var launcher = ChildProcess.Start("platform-launcher", "dotnet", arguments, repoRoot, logDirectory, marked);
        return new LocalPlatform(resources, launcher, portOffset, runId);
    }

    /// <summary>
    /// A model on the OpenAI-compatible backend, as the models service reads <c>Models:Registry</c>; keyed by id like
    /// services/Models/appsettings.json's registry, so no default model is overwritten.
    /// </summary>
    public static void AddUpstreamModel(IDictionary<string, string> environment, string id, string baseUrl, string ownedBy, string upstreamModel)
    {
        var prefix = $"Models__Registry__{id}__";
        environment[prefix + "Id"] = id;
        environment[prefix + "OwnedBy"] = ownedBy;
        environment[prefix + "Backend__Kind"] = "openai";
        environment[prefix + "Backend__Endpoint"] = baseUrl;
        environment[prefix + "Backend__UpstreamModel"] = upstreamModel;
    }

    public async ValueTask DisposeAsync()
    {
        var crashed = Launcher.HasExited;
        await Launcher.DisposeAsync();
        if (crashed)
        {
            // A launcher that died (not stopped by us) leaves its apps running: stop every process of this run.
            await ChildProcess.TerminateMarkedAsync(RunMarker, _runId, TimeSpan.FromSeconds(10));
        }

        try
        {
            _resources.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A store still closing its file: the OS temp cleaner removes the folder later.
        }
    }

    /// <summary>The local profile with its data files in a temp folder and other relative paths made absolute.</summary>
    private static DirectoryInfo CopyComponents(string repoRoot)
    {
        var root = Directory.CreateTempSubdirectory("local-platform-");
        var components = Directory.CreateDirectory(Path.Combine(root.FullName, "components"));
        var data = Directory.CreateDirectory(Path.Combine(root.FullName, "data"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repoRoot, "components", "local"), "*.yaml"))
        {
            var yaml = RelativeValue().Replace(File.ReadAllText(file), m => m.Groups[1].Value + (m.Groups[2].Value.StartsWith(".data/", StringComparison.Ordinal)
                ? Path.Combine(data.FullName, m.Groups[2].Value[".data/".Length..])
                : Path.GetFullPath(Path.Combine(repoRoot, m.Groups[2].Value))));
            File.WriteAllText(Path.Combine(components.FullName, Path.GetFileName(file)), yaml);
        }

        return root;
    }

    [GeneratedRegex(@"(value:\s*[""']?)(\.data/[^""'\s]*|\./[^""'\s]*)")]
    private static partial Regex RelativeValue();
}
