using System.Net;
using System.Text.Json.Nodes;
using BenchCommon;

namespace PlatformBench;

/// <summary>
/// Our platform as <c>./run.sh</c> runs it (<see cref="LocalPlatform"/>), with the bootstrap key and two models on
/// the OpenAI-compatible backend registered by configuration: one per fake upstream. Auth, quota, usage accounting
/// and the response cache stay on as configured.
/// </summary>
internal sealed class PlatformTarget : IAsyncDisposable
{
    public const string ApiKey = "sk-benchmrk_B3nchm4rkPl4tf0rmK3yA1b2C3d4E5f6";
    public const string FastModel = "bench-fast";
    public const string StreamModel = "bench-stream";
    private readonly LocalPlatform _platform;

    private PlatformTarget(LocalPlatform platform) => _platform = platform;

    public Uri ChatUrl => new(_platform.RouterUrl, "/v1/chat/completions");

    public static async Task<PlatformTarget> StartAsync(BenchOptions options, string fastUpstream, string streamUpstream, string logDirectory, Action<string> progress)
    {
        var environment = new Dictionary<string, string> { ["DEEPSEEK_BOOTSTRAP_KEY"] = ApiKey };
        LocalPlatform.AddUpstreamModel(environment, FastModel, fastUpstream, "platform-bench", "fake-model");
        LocalPlatform.AddUpstreamModel(environment, StreamModel, streamUpstream, "platform-bench", "fake-model");
        var platform = new PlatformTarget(LocalPlatform.Start(options.RepoRoot, options.PortOffset, environment, logDirectory));
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
        var reply = JsonNode.Parse(await admin.GetStringAsync(new Uri(_platform.AdminUrl, "/admin/apps")));
        var found = new List<ProcessMemory> { ProcessMemory.Read("local-dapr (launcher + sidecars)", _platform.Launcher.Pid) };
        CollectPids(reply, found);
        return found;
    }

    public ValueTask DisposeAsync() => _platform.DisposeAsync();

    /// <summary>Ready when a chat on the fast model answers 200 (every app of the request path has served once).</summary>
    private async Task WaitUntilServingAsync(Action<string> progress)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var fast = new ChatEndpoint(ChatUrl, FastModel, Headers());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var last = "no answer yet";
        for (var attempt = 1; DateTime.UtcNow < deadline; attempt++)
        {
            if (_platform.Launcher.HasExited)
            {
                throw new InvalidOperationException($"the platform launcher exited before serving; see {_platform.Launcher.LogFile}");
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

        throw new TimeoutException($"the platform did not answer a chat within 3 minutes (last: {last}); see {_platform.Launcher.LogFile}");
    }

    public static IReadOnlyDictionary<string, string> Headers() => new Dictionary<string, string> { ["Authorization"] = $"Bearer {ApiKey}" };

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

}
