using System.Globalization;
using System.Text.Json;
using BenchCommon;
using PlatformBench;

// The platform beside a direct upstream and beside Portkey's gateway, in one run: starts two fake upstreams (one
// answering at once, one streaming 64 tokens at 200 tokens/s), Portkey, a bare Kestrel endpoint and the platform,
// measures them in turn, prints the Markdown table and writes results.json, results.md, chart.svg and chart.png.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

void Progress(string step) => Console.Error.WriteLine($"platform-bench [{DateTime.UtcNow:HH:mm:ss}]: {step}");

var started = DateTimeOffset.UtcNow;
var logs = Path.Combine(options.OutputDirectory, "logs");
var fakeDll = Path.Combine(options.RepoRoot, "tests", "FakeUpstream", "bin", "Release", "net10.0", "fake-upstream.dll");
if (!File.Exists(fakeDll))
{
    Console.Error.WriteLine($"{fakeDll} is missing: build in Release first (./bench.sh does)");
    return 1;
}

var notes = new List<string>();
var streamReply = string.Join(' ', Enumerable.Range(1, 64).Select(i => $"t{i}"));
var (fastPort, streamPort) = (ChildProcess.FreePort(), ChildProcess.FreePort());
await using var fast = ChildProcess.Start("fake-upstream-fast", "dotnet", [fakeDll, "--port", Inv(fastPort)], options.RepoRoot, logs);
await using var stream = ChildProcess.Start("fake-upstream-stream", "dotnet",
    [fakeDll, "--port", Inv(streamPort), "--tokens-per-second", "200", "--reply", streamReply], options.RepoRoot, logs);
await fast.WaitForPortAsync(fastPort, TimeSpan.FromSeconds(60));
await stream.WaitForPortAsync(streamPort, TimeSpan.FromSeconds(60));
var fastUrl = $"http://127.0.0.1:{fastPort}";
var streamUrl = $"http://127.0.0.1:{streamPort}";
Progress($"fake upstreams on {fastUrl} (no delay) and {streamUrl} (64 tokens at 200 tokens/s)");

var none = new Dictionary<string, string>();
var targets = new List<Target>
{
    new(Target.Direct, new ChatEndpoint(new Uri($"{fastUrl}/v1/chat/completions"), "fake-model", none),
        new ChatEndpoint(new Uri($"{streamUrl}/v1/chat/completions"), "fake-model", none),
        () => Task.FromResult<IReadOnlyList<ProcessMemory>>([ProcessMemory.Read(fast.Name, fast.Pid), ProcessMemory.Read(stream.Name, stream.Pid)])),
};

ChildProcess? portkey = null;
PlatformTarget? platform = null;
Target? spread = null;
try
{
    if (options.PortkeyScript is not null && File.Exists(options.PortkeyScript))
    {
        var portkeyPort = ChildProcess.FreePort();
        // Portkey reads --port=N (and --headless skips its log UI); a bare --port is ignored and it takes 8787.
        portkey = ChildProcess.Start("portkey", "node", [options.PortkeyScript, $"--port={Inv(portkeyPort)}", "--headless"], options.RepoRoot, logs);
        await portkey.WaitForPortAsync(portkeyPort, TimeSpan.FromSeconds(60));
        var portkeyChat = new Uri($"http://127.0.0.1:{portkeyPort}/v1/chat/completions");
        Dictionary<string, string> Via(string upstream) => new()
        {
            ["x-portkey-provider"] = "openai",
            ["x-portkey-custom-host"] = $"{upstream}/v1",
            ["Authorization"] = "Bearer x",
        };
        var node = portkey;
        targets.Add(new Target(Target.Portkey, new ChatEndpoint(portkeyChat, "fake-model", Via(fastUrl)), new ChatEndpoint(portkeyChat, "fake-model", Via(streamUrl)),
            () => Task.FromResult<IReadOnlyList<ProcessMemory>>([ProcessMemory.Read("node (Portkey gateway)", node.Pid)])));
        Progress($"Portkey gateway on port {portkeyPort}");
    }
    else
    {
        notes.Add($"Portkey skipped: {options.PortkeyScript ?? "--no-portkey"} not found (./bench.sh installs it with npm)");
    }

    Progress("starting the platform (launcher + 10 apps)");
    platform = await PlatformTarget.StartAsync(options, fastUrl, streamUrl, logs, Progress);
    var platformHeaders = PlatformTarget.Headers();
    targets.Add(new Target(Target.Platform, new ChatEndpoint(platform.ChatUrl, PlatformTarget.FastModel, platformHeaders),
        new ChatEndpoint(platform.ChatUrl, PlatformTarget.StreamModel, platformHeaders), platform.ReadMemoryAsync));
    Progress($"platform serving at {platform.ChatUrl}");

    // The same platform with the load spread over several users: one user's account actor takes one call at a time,
    // so the single-key rows show the per-user ceiling and this row what the platform carries for many users.
    using (var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
    {
        var keys = await BenchUsers.CreateAsync(admin, new Uri(platform.ChatUrl.GetLeftPart(UriPartial.Authority)), PlatformTarget.ApiKey, Target.SpreadUsers, "bench");
        spread = new Target(Target.PlatformUsers, new ChatEndpoint(platform.ChatUrl, PlatformTarget.FastModel, none, keys),
            new ChatEndpoint(platform.ChatUrl, PlatformTarget.StreamModel, none, keys), platform.ReadMemoryAsync);
    }

    var (kestrel, kestrelPort) = await EchoTarget.StartAsync();
    await using var _ = kestrel;
    using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 1024 })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
    var loadBefore = LoadAverage.Current();
    var bench = new Bench(http, targets, spread, new Uri($"http://127.0.0.1:{kestrelPort}/echo"), options, Progress);
    var results = await bench.RunAsync();
    var loadAfter = LoadAverage.Current();
    notes.AddRange(bench.Notes);
    notes.Add("bare-kestrel: an in-process Kestrel endpoint returning a fixed 29-byte JSON body, the reference for the cache-hit target");

    var memory = new List<TargetMemory>();
    foreach (var target in targets)
    {
        var processes = await target.ReadMemory();
        memory.Add(new TargetMemory(target.Name, Math.Round(processes.Sum(p => p.RssMiB ?? 0), 1), processes));
    }

    var report = new BenchReport(started, options.Seconds, options.Quick, MachineInfo.Describe(), loadBefore, loadAfter, results, memory, bench.Cpu.Shares(), notes);
    var markdown = MarkdownReport.Render(report);
    Console.WriteLine(markdown);
    Directory.CreateDirectory(options.OutputDirectory);
    await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.md"), markdown);
    await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "chart.svg"), SvgChart.Render(report));
    PngChart.Save(report, Path.Combine(options.OutputDirectory, "chart.png"));
    await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.json"),
        JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
    Progress($"results written to {options.OutputDirectory} (results.json, results.md, chart.svg, chart.png)");
    return 0;
}
finally
{
    if (platform is not null)
    {
        await platform.DisposeAsync();
    }

    if (portkey is not null)
    {
        await portkey.DisposeAsync();
    }
}

static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
