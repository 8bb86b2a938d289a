using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PlatformBench;

/// <summary>
/// Our platform as <c>./run.sh</c> runs it (the built launcher with dapr.yaml), on ports shifted by the offset, with a
/// private copy of the local components (fresh SQLite files in a temp folder), the bootstrap key, and two models on
/// the OpenAI-compatible backend registered by configuration: one per fake upstream. Auth, quota, usage accounting
/// and the response cache stay on as configured.
/// </summary>
internal sealed partial class PlatformTarget : IAsyncDisposable
{
    public const string ApiKey = "sk-benchmrk_B3nchm4rkPl4tf0rmK3yA1b2C3d4E5f6";
    public const string FastModel = "bench-fast";
    public const string StreamModel = "bench-stream";
    private const int RouterPort = 8080;
    private const int AdminPort = 3490;

    private readonly DirectoryInfo _resources;
    private readonly ChildProcess _launcher;
    private readonly int _offset;

    private PlatformTarget(DirectoryInfo resources, ChildProcess launcher, int offset)
    {
        _resources = resources;
        _launcher = launcher;
        _offset = offset;
    }

    public Uri ChatUrl => new($"http://127.0.0.1:{RouterPort + _offset}/v1/chat/completions");

    public static async Task<PlatformTarget> StartAsync(BenchOptions options, string fastUpstream, string streamUpstream, string logDirectory, Action<string> progress)
    {
        var launcherDll = Path.Combine(options.RepoRoot, "tools", "LocalDapr", "bin", "Release", "net10.0", "local-dapr.dll");
        if (!File.Exists(launcherDll))
        {
            throw new InvalidOperationException($"{launcherDll} is missing: build in Release first (./bench.sh does)");
        }

        var resources = CopyComponents(options.RepoRoot);
        var environment = new Dictionary<string, string> { ["DEEPSEEK_BOOTSTRAP_KEY"] = ApiKey };
        AddModel(environment, FastModel, fastUpstream);
        AddModel(environment, StreamModel, streamUpstream);
        string[] arguments =
        [
            launcherDll, "run", "-f", Path.Combine(options.RepoRoot, "dapr.yaml"),
            "--port-offset", options.PortOffset.ToString(CultureInfo.InvariantCulture),
            "--admin-port", (AdminPort + options.PortOffset).ToString(CultureInfo.InvariantCulture),
            "--resources-path", Path.Combine(resources.FullName, "components"),
            "--resources-path", Path.Combine(options.RepoRoot, "dapr-config"),
        ];
        var launcher = ChildProcess.Start("platform-launcher", "dotnet", arguments, options.RepoRoot, logDirectory, environment);
        var platform = new PlatformTarget(resources, launcher, options.PortOffset);
        try
        {
            await platform.WaitUntilServingAsync(progress);
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>The launcher (local-dapr with every sidecar) and each app process it lists on its admin endpoint.</summary>
    public async Task<IReadOnlyList<ProcessMemory>> ReadMemoryAsync()
    {
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var reply = JsonNode.Parse(await admin.GetStringAsync($"http://127.0.0.1:{AdminPort + _offset}/admin/apps"));
        var found = new List<ProcessMemory> { ProcessMemory.Read("local-dapr (launcher + sidecars)", _launcher.Pid) };
        CollectPids(reply, found);
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _launcher.DisposeAsync();
        try
        {
            _resources.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A store still closing its file: the OS temp cleaner removes the folder later.
        }
    }

    /// <summary>Ready when a chat on the fast model answers 200 (every app of the request path has served once).</summary>
    private async Task WaitUntilServingAsync(Action<string> progress)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var fast = new ChatEndpoint(ChatUrl, FastModel, Headers());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var last = "no answer yet";
        for (var attempt = 1; DateTime.UtcNow < deadline; attempt++)
        {
            if (_launcher.HasExited)
            {
                throw new InvalidOperationException($"the platform launcher exited before serving; see {_launcher.LogFile}");
            }

            try
            {
                using var response = await http.SendAsync(ChatRequests.Miss(fast));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            if (attempt % 10 == 0)
            {
                progress($"platform not serving yet ({last})");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"the platform did not answer a chat within 3 minutes (last: {last}); see {_launcher.LogFile}");
    }

    public static IReadOnlyDictionary<string, string> Headers() => new Dictionary<string, string> { ["Authorization"] = $"Bearer {ApiKey}" };

    /// <summary>Keyed like services/Models/appsettings.json's registry, so no default model is overwritten.</summary>
    private static void AddModel(Dictionary<string, string> environment, string id, string baseUrl)
    {
        var prefix = $"Models__Registry__{id}__";
        environment[prefix + "Id"] = id;
        environment[prefix + "OwnedBy"] = "platform-bench";
        environment[prefix + "Backend__Kind"] = "openai";
        environment[prefix + "Backend__Endpoint"] = baseUrl;
        environment[prefix + "Backend__UpstreamModel"] = "fake-model";
    }

    /// <summary>The local profile with its data files in a temp folder and other relative paths made absolute.</summary>
    private static DirectoryInfo CopyComponents(string repoRoot)
    {
        var root = Directory.CreateTempSubdirectory("platform-bench-");
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

    /// <summary>Every object with a <c>pid</c> in the admin reply, read by shape so the admin DTO's nesting is not pinned.</summary>
    private static void CollectPids(JsonNode? node, List<ProcessMemory> found)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectPids(item, found);
                }

                break;
            case JsonObject obj:
                var props = obj.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
                if (props.TryGetValue("pid", out var pid) && pid is JsonValue value && value.TryGetValue<int>(out var id))
                {
                    var name = (props.GetValueOrDefault("name") ?? props.GetValueOrDefault("appId"))?.ToString() ?? $"pid {id}";
                    found.Add(ProcessMemory.Read(name, id));
                }

                foreach (var (_, child) in obj)
                {
                    CollectPids(child, found);
                }

                break;
        }
    }

    [GeneratedRegex(@"(value:\s*[""']?)(\.data/[^""'\s]*|\./[^""'\s]*)")]
    private static partial Regex RelativeValue();
}
