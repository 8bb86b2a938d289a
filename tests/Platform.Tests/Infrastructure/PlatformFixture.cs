using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FakeUpstream;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The whole platform for one test run, started as <c>./run.sh</c> starts it (the built launcher with dapr.yaml), on
/// ports shifted by <see cref="PlatformPorts.Offset"/>, with a test bootstrap key, a clean data folder, and three fake
/// OpenAI-compatible upstreams registered as models. Ready once <c>GET /v1/models</c> answers 200 through the router.
/// </summary>
public sealed class PlatformFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>The bootstrap admin key (format <c>sk-&lt;8 lowercase alnum&gt;_&lt;32 alnum&gt;</c>, as auth issues them).</summary>
    public const string ApiKey = "sk-e2etests_Pl4tf0rmT3stsB00tstr4pK3yA1b2C3d";

    /// <summary>OpenAI stream style, reached through an HTTPEndpoint resource.</summary>
    public const string FakeModel = "fake-upstream";

    /// <summary>DeepSeek stream style, reached by base URL.</summary>
    public const string FakeDeepSeekModel = "fake-upstream-deepseek";

    /// <summary>A slow stream (long reply, paced tokens) for cancellation tests.</summary>
    public const string FakeSlowModel = "fake-upstream-slow";

    /// <summary>An upstream model with <c>deepseek-chat</c> registered as its fallback; the failover tests stop its server.</summary>
    public const string FakeFailoverModel = "fake-upstream-failover";

    public const string FakeUpstreamModelName = "fake-model-v1";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private TestResources? _resources;
    private LaunchedPlatform? _platform;
    private IReadOnlyDictionary<string, (int SidecarHttp, int[] AppPorts)> _apps = new Dictionary<string, (int, int[])>();

    public FakeUpstreamServer UpstreamOpenAi { get; } = new(new FakeUpstreamOptions { Style = StreamStyle.OpenAi });

    public FakeUpstreamServer UpstreamDeepSeek { get; } = new(new FakeUpstreamOptions { Style = StreamStyle.DeepSeek });

    public FakeUpstreamServer UpstreamSlow { get; } = new(new FakeUpstreamOptions
    {
        Style = StreamStyle.OpenAi,
        Reply = string.Join(' ', Enumerable.Range(1, 600).Select(i => $"word{i}")),
        TokenDelay = TimeSpan.FromMilliseconds(20),
    });

    /// <summary>The server of <see cref="FakeFailoverModel"/>; tests that stop it start it again on <see cref="FakeUpstreamServer.Port"/>.</summary>
    public FakeUpstreamServer UpstreamWithFallback { get; } = new(new FakeUpstreamOptions { Style = StreamStyle.OpenAi });

    /// <summary>A client for the public API (base address: the router).</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = new Uri(PlatformPorts.RouterUrl),
        Timeout = TimeSpan.FromMinutes(3),
    };

    public string RouterUrl => PlatformPorts.RouterUrl;

    /// <summary>From starting the launcher to the first 200 of <c>GET /v1/models</c>.</summary>
    public TimeSpan ColdStart { get; private set; }

    /// <summary>From starting the launcher to the first answered chat (every app of the request path has served once).</summary>
    public TimeSpan FirstChat { get; private set; }

    public ProcessOutput Output => Platform.Output;

    public int LauncherPid => Platform.Pid;

    public int SidecarHttpPort(string appId) => _apps[appId].SidecarHttp;

    /// <summary>The app port of every instance of <paramref name="appId"/> (two for gateway-ai).</summary>
    public IReadOnlyList<int> AppPorts(string appId) => _apps[appId].AppPorts;

    private LaunchedPlatform Platform => _platform ?? throw new InvalidOperationException("the platform is not started");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
            _platform = null;
        }

        await UpstreamOpenAi.DisposeAsync();
        await UpstreamDeepSeek.DisposeAsync();
        await UpstreamSlow.DisposeAsync();
        await UpstreamWithFallback.DisposeAsync();
        _resources?.Dispose();
        Http.Dispose();
    }

    /// <summary>A request to the public API with the test key (or <paramref name="apiKey"/>; null sends none).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body = null, string? apiKey = ApiKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public Task<HttpResponseMessage> PostChatAsync(JsonNode body, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default) =>
        Http.SendAsync(Request(HttpMethod.Post, "/v1/chat/completions", body), completion, cancellationToken);

    /// <summary>The app processes as the launcher's admin endpoint lists them, plus the launcher itself.</summary>
    public async Task<IReadOnlyList<AppProcess>> GetProcessesAsync()
    {
        using var admin = new HttpClient { BaseAddress = new Uri(PlatformPorts.AdminUrl), Timeout = TimeSpan.FromSeconds(10) };
        var reply = JsonNode.Parse(await admin.GetStringAsync("/admin/apps"));
        return [new AppProcess("local-dapr (launcher + sidecars)", Platform.Pid), .. AppProcess.FromAdminReply(reply)];
    }

    private async Task StartAsync()
    {
        EnsureBuilt();
        await UpstreamOpenAi.StartAsync();
        await UpstreamDeepSeek.StartAsync();
        await UpstreamSlow.StartAsync();
        await UpstreamWithFallback.StartAsync();
        _resources = TestResources.Create(UpstreamOpenAi.BaseUrl);

        var environment = UpstreamModel.ToEnvironment(
        [
            new UpstreamModel(FakeModel, TestResources.FakeEndpointName, FakeUpstreamModelName),
            new UpstreamModel(FakeDeepSeekModel, UpstreamDeepSeek.BaseUrl, FakeUpstreamModelName),
            new UpstreamModel(FakeSlowModel, UpstreamSlow.BaseUrl, FakeUpstreamModelName),
            new UpstreamModel(FakeFailoverModel, UpstreamWithFallback.BaseUrl, FakeUpstreamModelName, FallbackModel: "deepseek-chat"),
        ]);
        environment["DEEPSEEK_BOOTSTRAP_KEY"] = ApiKey;

        var clock = Stopwatch.StartNew();
        var launch = new PlatformLaunch(string.Empty, PlatformPorts.Offset, [_resources.ComponentsPath, RepoPaths.DaprConfig], environment);
        _platform = await LaunchedPlatform.StartAsync(launch, Log);
        await _platform.WaitUntilOkAsync(Http, () => Request(HttpMethod.Get, "/v1/models"), ReadyTimeout, TimeSpan.FromMilliseconds(250));
        ColdStart = clock.Elapsed;
        _apps = _platform.ReadPorts();
        Log($"platform ready at {RouterUrl} after {ColdStart.TotalSeconds:F1} s");
        await WarmUpAsync();
        FirstChat = clock.Elapsed;
        Log($"first chat (with a conversation) answered after {FirstChat.TotalSeconds:F1} s");
    }

    /// <summary>
    /// One chat with a conversation touches every app of the request path (auth, users, chat's store and tokenizer,
    /// models, inference), so the tests measure the warm platform; a cold first call can take seconds on a loaded
    /// 2-core machine. Degraded replies (503) while apps warm up are retried; anything else fails the start.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var body = ChatBodies.User("deepseek-chat", "Warm-up: how do I start the platform?", maxTokens: 8);
        body["conversation_id"] = $"warm-up-{Guid.NewGuid():N}";
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            using var response = await PostChatAsync(body);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the warm-up chat failed: {(int)response.StatusCode} {text}; launcher output:\n{Output.Tail(100)}");
            }

            Log($"warm-up chat: {(int)response.StatusCode} {text}; retrying");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The tests run after test.sh's Release build; a bare <c>dotnet test</c> without it builds here first.</summary>
    private void EnsureBuilt()
    {
        var router = Path.Combine(RepoPaths.Root, "services", "Router", "bin", "Release", "net10.0", "DeepSeek.Dapr.Router.dll");
        if (File.Exists(RepoPaths.LauncherDll) && File.Exists(router))
        {
            return;
        }

        Log("Release build missing: running dotnet build -c Release");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", RepoPaths.SolutionFile, "-c", "Release", "-nologo", "-v", "q"])
        {
            WorkingDirectory = RepoPaths.Root,
            UseShellExecute = false,
        })!;
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build -c Release failed with exit code {build.ExitCode}");
        }
    }

    private void Log(string message) => diagnostics.OnMessage(new DiagnosticMessage($"[platform] {message}"));
}
