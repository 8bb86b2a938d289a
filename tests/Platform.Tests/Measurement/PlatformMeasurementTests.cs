using System.Globalization;
using System.Net;
using System.Text;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Measurement;

/// <summary>
/// Numbers for the closing note, not speed assertions: cold start, latency and throughput of a cache-hit chat
/// request through the full path at 1 and 32 clients, and each process's memory after the load. Written to
/// <c>artifacts/platform-measurements.md</c>; asserts only that every request succeeded.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Measurement")]
public sealed class PlatformMeasurementTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cache_hit_latency_throughput_and_memory()
    {
        var body = ChatBodies.User("deepseek-chat", "What is DeepSeek.Dapr? (measurement request)", maxTokens: 32);
        body["temperature"] = 0;
        using (var warm = await platform.PostChatAsync(body))
        {
            warm.StatusCode.Should().Be(HttpStatusCode.OK, "the warm-up request fills the cache");
        }

        var load = new CacheHitLoad(platform, body);
        var single = await load.RunAsync(clients: 1, TimeSpan.FromSeconds(3));
        var concurrent = await load.RunAsync(clients: 32, LoadDuration);
        var memory = (await platform.GetProcessesAsync()).Select(p => (p.Name, p.Pid, RssKib: p.ReadRssKib())).ToList();

        var report = Report(single, concurrent, memory);
        output.WriteLine(report);
        Directory.CreateDirectory(RepoPaths.Artifacts);
        await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts, "platform-measurements.md"), report);

        load.Failures.Should().Be(0, "every request of the load is a 200 cache hit; first failures: {0}", string.Join(" | ", load.FailureSamples));
        concurrent.Requests.Should().BePositive();
        memory.Should().HaveCountGreaterThan(1, "the admin endpoint lists the app processes");
    }

    private string Report(LatencySummary single, LatencySummary concurrent, IReadOnlyList<(string Name, int Pid, long? RssKib)> memory)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# Platform measurements ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
        sb.AppendLine();
        sb.AppendLine(c, $"Cold start (launcher start → first 200 on GET /v1/models through the router): **{platform.ColdStart.TotalSeconds:F1} s**; first answered chat (with a conversation, every app on the path warm): {platform.FirstChat.TotalSeconds:F1} s");
        sb.AppendLine();
        sb.AppendLine("Cache-hit `POST /v1/chat/completions` (temperature 0, same body) through router → gateway-ai → auth + users + cache, closed loop:");
        sb.AppendLine();
        sb.AppendLine("| clients | requests | duration | RPS | p50 ms | p90 ms | p99 ms | max ms |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in new[] { single, concurrent })
        {
            sb.AppendLine(c, $"| {s.Clients} | {s.Requests} | {s.Elapsed.TotalSeconds:F1} s | {s.RequestsPerSecond:F0} | {s.P50Ms:F2} | {s.P90Ms:F2} | {s.P99Ms:F2} | {s.MaxMs:F2} |");
        }

        sb.AppendLine();
        sb.AppendLine("Resident memory (VmRSS) after the load:");
        sb.AppendLine();
        sb.AppendLine("| process | pid | RSS MiB |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var (name, pid, rss) in memory)
        {
            sb.AppendLine(c, $"| {name} | {pid} | {(rss is { } kib ? (kib / 1024.0).ToString("F1", c) : "gone")} |");
        }

        sb.AppendLine(c, $"| **total** | | {memory.Sum(m => m.RssKib ?? 0) / 1024.0:F1} |");
        return sb.ToString();
    }
}
