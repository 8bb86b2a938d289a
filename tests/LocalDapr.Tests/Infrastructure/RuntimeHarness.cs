using Dapr.Client;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;

namespace LocalDapr.Tests.Infrastructure;

/// <summary>One app-id in a <see cref="RuntimeHarness"/>.</summary>
public sealed class HarnessApp(string appId)
{
    public string AppId { get; } = appId;

    /// <summary>Instances registered (healthy) before start-up completes; the harness disposes them.</summary>
    public List<TestApp> Instances { get; } = [];

    public string? ApiToken { get; init; }

    public string? AppApiToken { get; init; }

    /// <summary>The sidecar's request body limit (daprd <c>maxBodySize</c>).</summary>
    public long MaxBodySizeBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>When set, written as this app's config file (<c>configFilePath</c>, a Configuration document).</summary>
    public string? Configuration { get; init; }

    /// <summary>When not empty, this app reads these files (name → YAML) instead of the shared resources.</summary>
    public Dictionary<string, string> Resources { get; } = [];
}

public sealed class HarnessOptions
{
    public List<HarnessApp> Apps { get; } = [];

    /// <summary>Resource files (name → YAML) shared by every app. <c>{{dir}}</c> is replaced by <see cref="RuntimeHarness.Directory"/>.</summary>
    public Dictionary<string, string> Resources { get; } = [];

    /// <summary>Other files (e.g. a secrets JSON) written to <see cref="RuntimeHarness.Directory"/> before start.</summary>
    public Dictionary<string, string> Files { get; } = [];

    public LocalDaprRuntimeOptions? Runtime { get; init; }
}

/// <summary>
/// Starts a <see cref="LocalDaprRuntime"/> over YAML written to a temp folder, registers the test apps as healthy
/// instances, hands out SDK clients for any sidecar, and on dispose stops everything and deletes the folder.
/// </summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private const string DirPlaceholder = "{{dir}}";
    private readonly List<IDisposable> _clients = [];
    private readonly List<TestApp> _apps = [];
    private readonly Dictionary<string, SidecarDefinition> _sidecars;

    private RuntimeHarness(string directory, Dictionary<string, SidecarDefinition> sidecars)
    {
        Directory = directory;
        _sidecars = sidecars;
    }

    public LocalDaprRuntime Runtime { get; private set; } = null!;

    /// <summary>The temp folder holding the resources and files of this harness.</summary>
    public string Directory { get; }

    public IAppInstanceRegistry Instances => Runtime.Instances;

    /// <summary>Convenience: one app-id, optionally backed by one test app, with shared resources.</summary>
    public static Task<RuntimeHarness> StartAsync(string appId, TestApp? app, params (string Name, string Yaml)[] resources)
    {
        var options = new HarnessOptions();
        var harnessApp = new HarnessApp(appId);
        if (app is not null)
        {
            harnessApp.Instances.Add(app);
        }

        options.Apps.Add(harnessApp);
        foreach (var (name, yaml) in resources)
        {
            options.Resources[name] = yaml;
        }

        return StartAsync(options);
    }

    public static async Task<RuntimeHarness> StartAsync(HarnessOptions options, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetTempPath(), "localdapr-tests", Guid.NewGuid().ToString("n"));
        System.IO.Directory.CreateDirectory(root);
        var sidecars = new Dictionary<string, SidecarDefinition>(StringComparer.Ordinal);
        var harness = new RuntimeHarness(root, sidecars);
        harness._apps.AddRange(options.Apps.SelectMany(a => a.Instances));
        try
        {
            foreach (var (name, content) in options.Files)
            {
                await File.WriteAllTextAsync(Path.Combine(root, name), content.Replace(DirPlaceholder, root), cancellationToken);
            }

            var shared = await WriteResourcesAsync(Path.Combine(root, "resources"), options.Resources, root, cancellationToken);
            foreach (var app in options.Apps)
            {
                var dir = app.Resources.Count == 0
                    ? shared
                    : await WriteResourcesAsync(Path.Combine(root, "resources-" + app.AppId), app.Resources, root, cancellationToken);
                string? configFile = null;
                if (app.Configuration is not null)
                {
                    configFile = Path.Combine(root, $"config-{app.AppId}.yaml");
                    await File.WriteAllTextAsync(configFile, app.Configuration.Replace(DirPlaceholder, root), cancellationToken);
                }

                sidecars[app.AppId] = new SidecarDefinition(
                    app.AppId, PortAllocator.Next(), PortAllocator.Next(), [dir], configFile, app.ApiToken, app.AppApiToken, MaxBodySizeBytes: app.MaxBodySizeBytes);
            }

            harness.Runtime = await LocalDaprRuntime.StartAsync(sidecars.Values.ToArray(), options.Runtime, cancellationToken);
            foreach (var app in options.Apps)
            {
                foreach (var instance in app.Instances)
                {
                    harness.Runtime.Instances.Register(instance.InstanceFor(app.AppId));
                    harness.Runtime.Instances.SetHealthy(instance.InstanceFor(app.AppId), true);
                }
            }

            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    public SidecarDefinition Sidecar(string appId) => _sidecars[appId];

    public string HttpEndpoint(string appId) => $"http://127.0.0.1:{_sidecars[appId].HttpPort}";

    public string GrpcEndpoint(string appId) => $"http://127.0.0.1:{_sidecars[appId].GrpcPort}";

    /// <summary>An SDK client for the sidecar of <paramref name="appId"/>, sending that sidecar's API token.</summary>
    public DaprClient CreateClient(string appId, string? apiToken = null)
    {
        var builder = new DaprClientBuilder().UseHttpEndpoint(HttpEndpoint(appId)).UseGrpcEndpoint(GrpcEndpoint(appId));
        if ((apiToken ?? _sidecars[appId].ApiToken) is { } token)
        {
            builder.UseDaprApiToken(token);
        }

        return Track(builder.Build());
    }

    /// <summary><c>DaprClient.CreateInvokeHttpClient</c> on the caller's sidecar: <c>http://{app-id}/path</c> invokes that app.</summary>
    public HttpClient CreateInvokeHttpClient(string callerAppId, string? targetAppId = null) =>
        Track(DaprClient.CreateInvokeHttpClient(targetAppId, HttpEndpoint(callerAppId), _sidecars[callerAppId].ApiToken));

    /// <summary>A plain client on the sidecar's HTTP port (no token): for raw API and error-shape checks.</summary>
    public HttpClient CreateSidecarHttpClient(string appId) => Track(new HttpClient { BaseAddress = new Uri(HttpEndpoint(appId)) });

    /// <summary>Registers a (new) instance of <paramref name="appId"/> as healthy; the harness disposes it.</summary>
    public void AddInstance(string appId, TestApp app)
    {
        _apps.Add(app);
        Runtime.Instances.Register(app.InstanceFor(appId));
        Runtime.Instances.SetHealthy(app.InstanceFor(appId), true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (Runtime is not null)
        {
            await Runtime.DisposeAsync();
        }

        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static async Task<string> WriteResourcesAsync(string dir, Dictionary<string, string> files, string root, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(dir);
        foreach (var (name, yaml) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, name), yaml.Replace(DirPlaceholder, root), cancellationToken);
        }

        return dir;
    }

    private T Track<T>(T client)
        where T : IDisposable
    {
        _clients.Add(client);
        return client;
    }
}
