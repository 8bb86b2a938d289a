using System.Text.Json;
using BenchCommon;
using FaultBench;

// The fault-injection suite (issue 5 items 7, 8): the platform under a steady open-loop chat load through the router,
// each app stopped and restarted in turn through the launcher's admin API; per fault: requests sent, failed,
// fallback-served, max latency, seconds to recover, usage lost. Writes results.md, results.json and chart.png.
// Exit code: 0 every target met, 3 a target missed, 1 the run itself failed.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(FaultOptions.Usage);
    return 0;
}

FaultOptions options;
try
{
    options = FaultOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

void Progress(string step) => Console.Error.WriteLine($"fault-bench [{DateTime.UtcNow:HH:mm:ss}]: {step}");

try
{
    return await RunAsync(options, Progress);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
{
    Console.Error.WriteLine($"fault-bench: the run failed: {ex.Message}");
    return 1;
}

static async Task<int> RunAsync(FaultOptions options, Action<string> progress)
{
    var started = DateTimeOffset.UtcNow;
    var logs = Path.Combine(options.OutputDirectory, "logs");
    await using var session = await PlatformSession.StartAsync(options, logs, progress);
    using var admin = new LauncherAdmin(session.Platform.AdminUrl);
    var apps = await admin.ListAsync();
    Uri Sidecar(string appId) => new($"http://127.0.0.1:{apps.Single(a => a.AppId == appId).DaprHttpPort}");

    using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 1024 })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
    using var control = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    var keys = await BenchUsers.CreateAsync(control, session.Platform.RouterUrl, PlatformSession.BootstrapKey, options.Users, "fault");
    var gatewayInstances = apps.Single(a => a.AppId == "gateway-ai").Instances;
    int? gatewayInstance = gatewayInstances.Count > 1 ? gatewayInstances[^1].AppPort : null;
    progress($"platform ready; {keys.Count} users with a key each; gateway-ai instances on {string.Join(", ", gatewayInstances.Select(i => i.AppPort))}");

    var plannedSeconds = options.WarmUp + (options.Faults.Count * (options.LeadIn + options.Down + options.After + TimeSpan.FromSeconds(120)));
    var load = new FaultLoad(http, session.ChatUrl, keys, options.Rate, options.RequestTimeout, plannedSeconds);
    var suite = new FaultSuite(options, load, admin, progress);
    var loadBefore = LoadAverage.Current();
    using var stop = new CancellationTokenSource();
    var running = load.RunAsync(stop.Token);
    IReadOnlyList<PhaseTiming> timings;
    try
    {
        timings = await suite.RunAsync(gatewayInstance);
    }
    finally
    {
        await stop.CancelAsync();
        await running;
    }

    var loadAfter = LoadAverage.Current();
    var records = load.Records.Where(r => r.Done).ToList();
    var owed = records.Where(r => r.OwesUsage).GroupBy(r => r.Phase)
        .ToDictionary(g => g.Key < 0 ? PlatformSession.WarmUpModel : options.Faults[g.Key].Model, g => (long)g.Count());
    progress($"load stopped after {records.Count} requests; waiting for usage to settle (at most {options.SettleLimit.TotalSeconds:0} s)");
    var audit = new UsageAudit(control, session.Platform.RouterUrl, keys, Sidecar("monitoring"));
    // "Stopped changing" must outlast the slowest redelivery: resiliency.yaml backs delivery retries off up to 10 s,
    // so a quieter spell than that can end the audit between two retries and report late usage as lost.
    var (usage, settleSeconds) = await audit.SettleAsync(owed, options.SettleLimit, TimeSpan.FromSeconds(Math.Min(25, options.SettleLimit.TotalSeconds)));

    var notes = new List<string>(suite.Notes);
    if (load.Exhausted)
    {
        notes.Add($"the load ran out of its planned {plannedSeconds.TotalSeconds:0} s (stops and starts took unusually long): the last phase had less load");
    }

    if (gatewayInstance is null)
    {
        notes.Add("dapr.yaml runs one gateway-ai instance: the one-instance fault stopped the whole app");
    }

    if (usage.Problem is not null)
    {
        notes.Add($"usage read: {usage.Problem}");
    }

    var warmUp = records.Where(r => r.Phase < 0).ToList();
    var warmUpServed = warmUp.Count(r => r.Outcome == Outcome.Served);
    if (warmUpServed < warmUp.Count * 0.99)
    {
        notes.Add($"before any fault the platform served only {warmUpServed} of {warmUp.Count} warm-up requests plainly: at this rate it is overloaded, so the figures below measure overload as much as faults");
    }

    var timeout = ResiliencyTimeouts.ForApp(options.RepoRoot, "gateway-ai", "inference");
    var rows = options.Faults.Select((fault, i) =>
    {
        var phase = records.Where(r => r.Phase == i).ToList();
        var usageRow = new UsageRow(owed.GetValueOrDefault(fault.Model), phase.LongCount(r => r.UsageUncertain),
            usage.Charged?.GetValueOrDefault(fault.Model), usage.Counted?.GetValueOrDefault(fault.Model));
        return PhaseAnalysis.Analyse(fault, phase, timings[i], usageRow, timeout);
    }).ToList();

    var report = new FaultReport(started, MachineInfo.Describe(), loadBefore, loadAfter, options.Rate, options.Short,
        options.LeadIn.TotalSeconds, options.Down.TotalSeconds, options.After.TotalSeconds, keys.Count, gatewayInstances.Count,
        timeout?.TotalSeconds, Math.Round(settleSeconds, 1), warmUp.Count, warmUpServed, rows, FaultReport.TimelineOf(records), notes);
    var markdown = MarkdownReport.Render(report);
    Console.WriteLine(markdown);
    Directory.CreateDirectory(options.OutputDirectory);
    await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.md"), markdown);
    await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.json"),
        JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    TimelineChart.Save(report, Path.Combine(options.OutputDirectory, "chart.png"));
    progress($"results written to {options.OutputDirectory} (results.md, results.json, chart.png); all targets met: {report.AllTargetsMet}");
    return report.AllTargetsMet ? 0 : 3;
}
