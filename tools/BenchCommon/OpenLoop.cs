using System.Diagnostics;

namespace BenchCommon;

/// <summary>
/// The open-loop schedule: request <c>i</c> starts at <c>i / rate</c> seconds whether or not earlier ones finished, so
/// a slow or failing target cannot slow the load down (a closed loop would hide an outage by sending less). The
/// dispatcher wakes about once a millisecond and catches up on every request that fell due meanwhile.
/// </summary>
public static class OpenLoop
{
    /// <summary>Starts <paramref name="send"/>(0), (1), ... until <paramref name="count"/> requests or <paramref name="stop"/>, then waits for all of them.</summary>
    /// <param name="send">Must not throw: it records its own outcome.</param>
    public static async Task RunAsync(int rate, long count, Func<long, Task> send, CancellationToken stop = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        long next = 0;
        while (next < count && !stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            while (next < count && start + (long)(next * ticksPerRequest) <= now)
            {
                var index = next++;
                inFlight.Add(Task.Run(() => send(index), CancellationToken.None));
            }

            inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
            await Task.Delay(1, CancellationToken.None);
        }

        await Task.WhenAll(inFlight);
    }
}
