using System.Diagnostics;
using BenchCommon;

namespace FaultBench;

/// <summary>
/// The steady open-loop load: <see cref="ChatMix"/> at a fixed rate through the router, every request recorded with
/// the phase (and so the model) it was sent in. The phase is switched by the suite while the load runs.
/// </summary>
internal sealed class FaultLoad(HttpClient http, Uri chatUrl, IReadOnlyList<string> apiKeys, int rate, TimeSpan requestTimeout, TimeSpan capacity)
{
    private readonly RequestRecord[] _records = new RequestRecord[(long)(rate * capacity.TotalSeconds)];
    private readonly Stopwatch _clock = new();
    private long _sent;
    private volatile PhaseTag _phase = new(-1, "fault-warmup");

    /// <summary>Seconds since the load started (the time axis of every record and fault window).</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    public void EnterPhase(int phase, string model) => _phase = new PhaseTag(phase, model);

    /// <summary>Runs until <paramref name="stop"/>, then waits for the requests in flight.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        return OpenLoop.RunAsync(rate, _records.Length, SendAsync, stop);
    }

    /// <summary>True when the planned number of requests was sent before the suite stopped the load.</summary>
    public bool Exhausted => Interlocked.Read(ref _sent) >= _records.Length;

    /// <summary>Every finished request (after <see cref="RunAsync"/> completed).</summary>
    public ArraySegment<RequestRecord> Records => new(_records, 0, (int)Math.Min(Interlocked.Read(ref _sent), _records.Length));

    private async Task SendAsync(long index)
    {
        var phase = _phase;
        var kind = ChatMix.KindOf(index);
        var sentAt = Now;
        Interlocked.Increment(ref _sent);
        var started = Stopwatch.GetTimestamp();
        // Keys drawn at random, not in turn: in turn, key and gateway instance would advance in lockstep under the
        // sidecar's round robin, and a key would only ever be known (cached) by one instance.
        using var request = ChatMix.Build(chatUrl, index, phase.Model, apiKeys[Random.Shared.Next(apiKeys.Count)]);
        var verdict = await ReplyReader.SendAsync(http, request, kind == RequestKind.Stream, requestTimeout);
        _records[index] = new RequestRecord
        {
            SentAt = sentAt,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Phase = phase.Index,
            Kind = kind,
            Status = verdict.Status,
            Outcome = verdict.Outcome,
            OwesUsage = verdict.OwesUsage,
            UsageUncertain = verdict.UsageUncertain,
            BadDegraded = verdict.BadDegraded,
            Fallback = verdict.Fallback,
            Error = verdict.Error,
            Done = true,
        };
    }

    private sealed record PhaseTag(int Index, string Model);
}
