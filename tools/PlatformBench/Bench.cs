using HdrHistogram;
using BenchCommon;

namespace PlatformBench;

/// <summary>
/// The measurement plan over a budget of measured seconds. Each scenario measures the targets in turn, A B C A B C
/// (<see cref="Rounds"/> rounds), so drift in machine load hits all of them alike: (a) cache-miss chat at 1 and 32
/// callers, (b) cache-hit chat at 32 callers beside a bare Kestrel endpoint, (c) 64 streamed tokens at 200 tokens/s,
/// (d) the highest RPS with p99 under 50 ms, stepping the callers up.
/// </summary>
/// <param name="spread">The platform again with its load spread over several users, measured beside it in scenario a at 32 callers.</param>
internal sealed class Bench(HttpClient http, IReadOnlyList<Target> targets, Target? spread, Uri bareKestrel, BenchOptions options, Action<string> progress)
{
    public const string MissC1 = "a. chat, cache miss, c=1";
    public const string MissC32 = "a. chat, cache miss, c=32";
    public const string HitC32 = "b. chat, cache hit, c=32";
    public const string Stream = "c. stream 64 tokens @200/s, c=4 (p50/p99 = first token)";
    public const string MaxRps = "d. max RPS with p99 < 50 ms (cache miss)";
    private const int Rounds = 2;
    private const int StreamCallers = 4;
    private const double P99LimitMs = 50;
    private static readonly int[] Steps = [1, 2, 4, 8, 16, 32, 64, 128];
    private int _nonHits;

    public List<string> Notes { get; } = [];

    /// <summary>CPU per request of every process of each target, in the closed-loop scenarios (a and b).</summary>
    public CpuLedger Cpu { get; } = new();

    public async Task<IReadOnlyList<ResultRow>> RunAsync()
    {
        var budget = TimeSpan.FromSeconds(options.Seconds);
        var share = options.Quick ? budget / 3 : budget / 5;
        var rows = new List<ResultRow>();

        progress("warm-up");
        foreach (var target in spread is null ? targets : [.. targets, spread])
        {
            await LoadRunner.RunAsync(Call(target, ChatRequests.Miss), 8, TimeSpan.FromSeconds(options.Quick ? 0.5 : 2), null);
            await LoadRunner.RunAsync(Call(target, ChatRequests.Hit), 8, TimeSpan.FromSeconds(0.5), null);
        }

        await LoadRunner.RunAsync(Kestrel, 8, TimeSpan.FromSeconds(0.5), null);

        rows.AddRange(await ClosedLoopAsync(MissC1, 1, share, ChatRequests.Miss, withKestrel: false, []));
        rows.AddRange(await ClosedLoopAsync(MissC32, 32, share, ChatRequests.Miss, withKestrel: false, spread is null ? [] : [spread]));
        var cacheMisses = CountCacheMissesOnHitScenario();
        rows.AddRange(await ClosedLoopAsync(HitC32, 32, share, ChatRequests.Hit, withKestrel: true, []));
        Notes.Add($"cache-hit scenario: the platform answered {cacheMisses()} request(s) with X-Cache other than HIT (the rest were cache hits)");
        if (!options.Quick)
        {
            rows.AddRange(await StreamAsync(share));
            rows.AddRange(await MaxRpsAsync(share));
        }

        return WithRatios(rows);
    }

    private Func<int> CountCacheMissesOnHitScenario()
    {
        _nonHits = 0;
        return () => Volatile.Read(ref _nonHits);
    }

    private async Task<IEnumerable<ResultRow>> ClosedLoopAsync(string scenario, int callers, TimeSpan share,
        Func<ChatEndpoint, HttpRequestMessage> build, bool withKestrel, IReadOnlyList<Target> extra)
    {
        var all = targets.Concat(extra).ToList();
        var measured = all.Select(t => (t.Name, Call: Call(t, build))).ToList();
        if (withKestrel)
        {
            measured.Add((Target.BareKestrel, Kestrel));
        }

        var slice = share / (measured.Count * Rounds);
        progress($"{scenario}: {Rounds} rounds of {slice.TotalSeconds:0.#} s per target");
        var samples = measured.ToDictionary(m => m.Name, _ => new Sample());
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, call) in measured)
            {
                if (all.FirstOrDefault(t => t.Name == name) is { } target)
                {
                    await Cpu.MeasureAsync(scenario, target, async () =>
                    {
                        var before = samples[name].Requests;
                        await LoadRunner.RunAsync(call, callers, slice, samples[name]);
                        return samples[name].Requests - before;
                    });
                }
                else
                {
                    await LoadRunner.RunAsync(call, callers, slice, samples[name]);
                }
            }
        }

        return measured.Select(m => Row(scenario, m.Name, callers, samples[m.Name]));
    }

    private async Task<IEnumerable<ResultRow>> StreamAsync(TimeSpan share)
    {
        var slice = share / (targets.Count * Rounds);
        progress($"{Stream}: {Rounds} rounds of {slice.TotalSeconds:0.#} s per target");
        var samples = targets.ToDictionary(t => t.Name, _ => new StreamSample());
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var target in targets)
            {
                await samples[target.Name].RunAsync(http, target.Stream, StreamCallers, slice);
            }
        }

        return targets.Select(t =>
        {
            var s = samples[t.Name];
            var seconds = slice.TotalSeconds * Rounds;
            return new ResultRow(Stream, t.Name, StreamCallers, s.Streams, s.Errors, Math.Round(s.Streams / seconds, 1),
                Ms(s.FirstToken, 50), Ms(s.FirstToken, 99), null, null, null, null,
                s.Gap.TotalCount == 0 ? double.NaN : Math.Round(s.Gap.GetMean() / 1000.0, 3), Ms(s.Gap, 99));
        });
    }

    /// <summary>Steps the callers up, every target at each step in turn, until a target's p99 reaches the limit.</summary>
    private async Task<IEnumerable<ResultRow>> MaxRpsAsync(TimeSpan share)
    {
        var step = share / (targets.Count * Steps.Length);
        progress($"{MaxRps}: steps of {step.TotalSeconds:0.#} s at {string.Join(", ", Steps)} callers");
        var best = new Dictionary<string, ResultRow>();
        var open = targets.ToList();
        foreach (var callers in Steps)
        {
            foreach (var target in open.ToList())
            {
                var sample = new Sample();
                await LoadRunner.RunAsync(Call(target, ChatRequests.Miss), callers, step, sample);
                var row = Row(MaxRps, target.Name, callers, sample);
                if (row.P99Ms >= P99LimitMs || row.Errors > 0)
                {
                    open.Remove(target);
                    continue;
                }

                if (!best.TryGetValue(target.Name, out var previous) || row.Rps > previous.Rps)
                {
                    best[target.Name] = row;
                }
            }
        }

        foreach (var target in targets.Where(t => !best.ContainsKey(t.Name)))
        {
            Notes.Add($"{MaxRps}: {target.Name} never kept p99 under {P99LimitMs} ms, even at 1 caller");
        }

        return targets.Where(t => best.ContainsKey(t.Name)).Select(t => best[t.Name]);
    }

    private Func<CancellationToken, Task> Call(Target target, Func<ChatEndpoint, HttpRequestMessage> build) => async cancellationToken =>
    {
        using var request = build(target.Fast);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (target.Name == Target.Platform && build == ChatRequests.Hit
            && !(response.Headers.TryGetValues("X-Cache", out var cache) && cache.Contains("HIT")))
        {
            Interlocked.Increment(ref _nonHits);
        }

        await response.Content.CopyToAsync(System.IO.Stream.Null, cancellationToken);
    };

    private async Task Kestrel(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(bareKestrel, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(System.IO.Stream.Null, cancellationToken);
    }

    private static ResultRow Row(string scenario, string target, int callers, Sample sample) =>
        new(scenario, target, callers, sample.Requests, sample.Errors, Math.Round(sample.RequestsPerSecond, 1),
            Math.Round(sample.PercentileMs(50), 3), Math.Round(sample.PercentileMs(99), 3), null, null, null, null);

    private static double Ms(LongHistogram histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : Math.Round(histogram.GetValueAtPercentile(percentile) / 1000.0, 3);

    /// <summary>Added latency against direct and RPS ratios against direct and Portkey, within each scenario.</summary>
    private static List<ResultRow> WithRatios(List<ResultRow> rows) =>
        rows.Select(row =>
        {
            var direct = rows.FirstOrDefault(r => r.Scenario == row.Scenario && r.Target == Target.Direct);
            var portkey = rows.FirstOrDefault(r => r.Scenario == row.Scenario && r.Target == Target.Portkey);
            return row with
            {
                AddedP50Ms = direct is null || row.Target is Target.Direct or Target.BareKestrel ? null : Math.Round(row.P50Ms - direct.P50Ms, 3),
                AddedP99Ms = direct is null || row.Target is Target.Direct or Target.BareKestrel ? null : Math.Round(row.P99Ms - direct.P99Ms, 3),
                RpsVsDirect = direct is { Rps: > 0 } ? Math.Round(row.Rps / direct.Rps, 3) : null,
                RpsVsPortkey = portkey is { Rps: > 0 } ? Math.Round(row.Rps / portkey.Rps, 3) : null,
            };
        }).ToList();
}
