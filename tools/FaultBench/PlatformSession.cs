using System.Globalization;
using System.Net;
using BenchCommon;

namespace FaultBench;

/// <summary>
/// The fake OpenAI-compatible upstream (tests/FakeUpstream, its own process) and the platform on top of it, with the
/// bootstrap key and one upstream model per fault (plus one for the warm-up) registered through <c>Models__Registry</c>.
/// Ready when every app instance is healthy and a chat on the warm-up model answers 200.
/// </summary>
internal sealed class PlatformSession : IAsyncDisposable
{
    public const string BootstrapKey = "sk-faultsui_F4ultSu1teB00tstr4pK3yA1b2C3d4E5";
    public const string WarmUpModel = "fault-warmup";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly ChildProcess _upstream;
    private LocalPlatform? _platform;

    private PlatformSession(ChildProcess upstream) => _upstream = upstream;

    public LocalPlatform Platform => _platform ?? throw new InvalidOperationException("the platform is not started");

    public Uri ChatUrl => new(Platform.RouterUrl, "/v1/chat/completions");

    public static async Task<PlatformSession> StartAsync(FaultOptions options, string logDirectory, Action<string> progress)
    {
        var fakeDll = Path.Combine(options.RepoRoot, "tests", "FakeUpstream", "bin", "Release", "net10.0", "fake-upstream.dll");
        if (!File.Exists(fakeDll))
        {
            throw new InvalidOperationException($"{fakeDll} is missing: build in Release first (./faults.sh does)");
        }

        var port = ChildProcess.FreePort();
        var session = new PlatformSession(ChildProcess.Start("fake-upstream", "dotnet", [fakeDll, "--port", port.ToString(CultureInfo.InvariantCulture)], options.RepoRoot, logDirectory));
        try
        {
            await session._upstream.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
            var upstream = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            var environment = new Dictionary<string, string> { ["DEEPSEEK_BOOTSTRAP_KEY"] = BootstrapKey };
            foreach (var model in options.Faults.Select(f => f.Model).Prepend(WarmUpModel))
            {
                LocalPlatform.AddUpstreamModel(environment, model, upstream, "fault-bench", "fake-model");
            }

            progress($"fake upstream on {upstream}; starting the platform (port offset {options.PortOffset})");
            session._platform = LocalPlatform.Start(options.RepoRoot, options.PortOffset, environment, logDirectory);
            await session.WaitUntilReadyAsync(progress);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        await _upstream.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync(Action<string> progress)
    {
        using var admin = new LauncherAdmin(Platform.AdminUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "no answer yet";
        for (var attempt = 1; DateTime.UtcNow < deadline; attempt++)
        {
            if (Platform.Launcher.HasExited)
            {
                throw new InvalidOperationException($"the launcher exited before the platform was ready; see {Platform.Launcher.LogFile}");
            }

            try
            {
                var apps = await admin.ListAsync();
                var notHealthy = apps.SelectMany(a => a.Instances).Where(i => i.State != "Healthy").Select(i => $"{i.Name} {i.State}").ToList();
                if (notHealthy.Count > 0)
                {
                    last = $"not healthy yet: {string.Join(", ", notHealthy)}";
                }
                else
                {
                    using var request = ChatMix.Build(ChatUrl, 0, WarmUpModel, BootstrapKey);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }

                    last = $"chat answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            if (attempt % 10 == 0)
            {
                progress($"platform not ready yet ({last})");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"the platform was not ready within {ReadyTimeout.TotalMinutes} minutes (last: {last}); see {Platform.Launcher.LogFile}");
    }
}
