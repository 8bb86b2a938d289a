using Dapr.Client;

namespace HopBench;

/// <summary>
/// The measurement plan over a budget of <c>seconds</c>: a warm-up of every scenario, then for 1 and 32 callers
/// alternating rounds of the direct call (A) and the same call through the sidecar (B), so drift in machine load
/// hits both alike; the same A/B at a fixed 1000 requests per second (open loop, as daprd's published figure is
/// measured); then state gets through DaprClient (gRPC) with 32 callers.
/// </summary>
internal sealed class Bench(HttpClient http, DaprClient dapr, Uri direct, Uri viaSidecar, int seconds)
{
    public const string StateStore = "statestore";
    public const string StateKey = "bench-key";
    private const int Rounds = 6;
    private const int FixedRate = 1000;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(Action<string> progress)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var warmUp = Max(budget * 0.10 / 5, TimeSpan.FromMilliseconds(500));
        var round = budget * 0.28 / Rounds;
        var rateRound = budget * 0.18 / Rounds;
        var state = budget * 0.16;

        await dapr.SaveStateAsync(StateStore, StateKey, "a small state value");
        progress($"warming up ({warmUp.TotalSeconds:0.#} s per scenario)");
        foreach (var callers in new[] { 1, 32 })
        {
            await LoadRunner.RunAsync(Direct, callers, warmUp, null);
            await LoadRunner.RunAsync(Sidecar, callers, warmUp, null);
        }

        await LoadRunner.RunAsync(GetState, 32, warmUp, null);

        var results = new List<ScenarioResult>();
        foreach (var callers in new[] { 1, 32 })
        {
            var a = new Sample();
            var b = new Sample();
            progress($"invoke, {callers} caller(s): {Rounds} alternating rounds of {round.TotalSeconds:0.#} s");
            for (var i = 0; i < Rounds; i++)
            {
                // A then B on even rounds, B then A on odd ones: neither side always runs right after the other.
                Func<CancellationToken, Task> directCall = Direct, sidecarCall = Sidecar;
                var order = i % 2 == 0 ? new[] { (directCall, a), (sidecarCall, b) } : [(sidecarCall, b), (directCall, a)];
                foreach (var (call, sample) in order)
                {
                    await LoadRunner.RunAsync(call, callers, round / 2, sample);
                }
            }

            var directResult = ScenarioResult.From("direct HTTP call to the app", callers, a, null);
            results.Add(directResult);
            results.Add(ScenarioResult.From("same call through the sidecar (/v1.0/invoke)", callers, b, directResult));
        }

        progress($"invoke at {FixedRate} requests/s: {Rounds} alternating rounds of {rateRound.TotalSeconds:0.#} s");
        var rateDirect = new Sample();
        var rateSidecar = new Sample();
        for (var i = 0; i < Rounds; i++)
        {
            var order = i % 2 == 0 ? new[] { (true, rateDirect), (false, rateSidecar) } : [(false, rateSidecar), (true, rateDirect)];
            foreach (var (isDirect, sample) in order)
            {
                await LoadRunner.RunAtRateAsync(isDirect ? Direct : Sidecar, FixedRate, rateRound / 2, sample);
            }
        }

        var rateBaseline = ScenarioResult.From($"direct HTTP call to the app, {FixedRate} req/s", 0, rateDirect, null);
        results.Add(rateBaseline);
        results.Add(ScenarioResult.From($"same call through the sidecar, {FixedRate} req/s", 0, rateSidecar, rateBaseline));

        progress($"state get through DaprClient (gRPC), 32 callers, {state.TotalSeconds:0.#} s");
        var stateSample = new Sample();
        await LoadRunner.RunAsync(GetState, 32, state, stateSample);
        results.Add(ScenarioResult.From("state get (DaprClient.GetStateAsync, in-memory store)", 32, stateSample, null));
        return results;
    }

    private async Task Direct(CancellationToken cancellationToken) => await GetAsync(direct, cancellationToken);

    private async Task Sidecar(CancellationToken cancellationToken) => await GetAsync(viaSidecar, cancellationToken);

    private async Task GetState(CancellationToken cancellationToken)
    {
        var value = await dapr.GetStateAsync<string>(StateStore, StateKey, cancellationToken: cancellationToken);
        if (value is null)
        {
            throw new HttpRequestException("state get returned no value");
        }
    }

    private async Task GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
