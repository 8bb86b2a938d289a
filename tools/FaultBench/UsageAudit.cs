using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;

namespace FaultBench;

/// <summary>Requests per model as users charged them and as monitoring counted them (null where the read failed).</summary>
internal sealed record UsageCounts(IReadOnlyDictionary<string, long>? Charged, IReadOnlyDictionary<string, long>? Counted, string? Problem)
{
    public bool Covers(IReadOnlyDictionary<string, long> owed) =>
        owed.All(o => Charged?.GetValueOrDefault(o.Key) == o.Value && Counted?.GetValueOrDefault(o.Key) == o.Value);

    public bool SameAs(UsageCounts other) => Same(Charged, other.Charged) && Same(Counted, other.Counted);

    private static bool Same(IReadOnlyDictionary<string, long>? a, IReadOnlyDictionary<string, long>? b) =>
        a is not null && b is not null && a.Count == b.Count && a.All(p => b.GetValueOrDefault(p.Key) == p.Value);
}

/// <summary>
/// Reads what the platform recorded once the load is over: users' ledger through the public <c>GET /v1/usage</c>
/// (each key's owner, by day and model, summed over the users) and monitoring's <c>/internal/metrics/summary</c> through its sidecar
/// (all-time totals by model). The run's data folder is fresh, so both start from zero.
/// </summary>
internal sealed class UsageAudit(HttpClient http, Uri routerUrl, IReadOnlyList<string> apiKeys, Uri monitoringSidecar)
{
    /// <summary>
    /// Polls until both match what is owed, or nothing changed for <paramref name="quiet"/>, or <paramref name="limit"/>:
    /// events parked in pub/sub while users or monitoring were down arrive with the broker's redelivery back-off.
    /// </summary>
    public async Task<(UsageCounts Counts, double WaitedSeconds)> SettleAsync(IReadOnlyDictionary<string, long> owed, TimeSpan limit, TimeSpan quiet)
    {
        var clock = Stopwatch.StartNew();
        var counts = await ReadAsync();
        var lastChange = clock.Elapsed;
        while (!counts.Covers(owed) && clock.Elapsed < limit && clock.Elapsed - lastChange < quiet)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var next = await ReadAsync();
            if (!next.SameAs(counts))
            {
                lastChange = clock.Elapsed;
            }

            counts = next;
        }

        return (counts, clock.Elapsed.TotalSeconds);
    }

    public async Task<UsageCounts> ReadAsync()
    {
        var problems = new List<string>();
        var charged = await TryAsync(ReadChargedAsync, "users' /v1/usage", problems);
        var counted = await TryAsync(ReadCountedAsync, "monitoring's summary", problems);
        return new UsageCounts(charged, counted, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private async Task<IReadOnlyDictionary<string, long>> ReadChargedAsync()
    {
        var lines = new List<UsageLine>();
        foreach (var apiKey in apiKeys)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(routerUrl, "/v1/usage"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var report = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UsageReport)
                ?? throw new InvalidOperationException("empty usage report");
            lines.AddRange(report.Lines);
        }

        return lines.GroupBy(l => l.Model).ToDictionary(g => g.Key, g => g.Sum(l => l.Requests));
    }

    private async Task<IReadOnlyDictionary<string, long>> ReadCountedAsync()
    {
        var summary = JsonNode.Parse(await http.GetStringAsync(new Uri(monitoringSidecar, "/v1.0/invoke/monitoring/method/internal/metrics/summary")));
        var byModel = summary?["by_model"]?.AsObject() ?? throw new InvalidOperationException("the summary has no by_model");
        return byModel.ToDictionary(m => m.Key, m => m.Value?["totals"]?["requests"]?.GetValue<long>() ?? 0);
    }

    private static async Task<IReadOnlyDictionary<string, long>?> TryAsync(Func<Task<IReadOnlyDictionary<string, long>>> read, string what, List<string> problems)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
        {
            problems.Add($"{what}: {ex.Message}");
            return null;
        }
    }
}
