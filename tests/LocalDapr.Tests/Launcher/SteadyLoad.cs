using System.Diagnostics;
using System.Text.Json;

namespace LocalDapr.Tests.Launcher;

/// <summary>
/// Calls <c>POST /v1.0/invoke/{appId}/method/echo/load</c> on a sidecar from a few workers until stopped, and
/// records every call's outcome and the replica (app port) that answered, so a test can say which calls failed
/// when, relative to a fault it injected.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<Call> _calls = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public SteadyLoad(int sidecarPort, string appId, int workers = 4)
    {
        var url = $"http://127.0.0.1:{sidecarPort}/v1.0/invoke/{appId}/method/echo/load";
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(url))).ToArray();
    }

    /// <param name="Started">When the call was sent (a call in flight when a fault hits may fail later than the fault).</param>
    /// <param name="At">When it completed.</param>
    public sealed record Call(TimeSpan Started, TimeSpan At, bool Ok, int? Port, string? Error);

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>Waits until a successful call after <paramref name="since"/> was answered by <paramref name="port"/>.</summary>
    public async Task<bool> WaitForAnswerFromAsync(int port, TimeSpan since, TimeSpan timeout)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = _clock.Elapsed + timeout;
        while (_clock.Elapsed < deadline)
        {
            if (Calls.Any(c => c.Ok && c.Port == port && c.At > since))
            {
                return true;
            }

            await timer.WaitForNextTickAsync();
        }

        return false;
    }

    public async Task WaitForCallsAsync(int count)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (Calls.Count(c => c.Ok) < count)
        {
            await timer.WaitForNextTickAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task RunAsync(string url)
    {
        while (!_stop.IsCancellationRequested)
        {
            Call call;
            var started = _clock.Elapsed;
            try
            {
                using var response = await _http.PostAsync(url, new StringContent("x"), _stop.Token);
                var text = await response.Content.ReadAsStringAsync(_stop.Token);
                call = response.IsSuccessStatusCode
                    ? new Call(started, _clock.Elapsed, true, PortOf(text), null)
                    : new Call(started, _clock.Elapsed, false, null, $"{(int)response.StatusCode} {text}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                call = new Call(started, _clock.Elapsed, false, null, ex.Message);
            }

            lock (_calls)
            {
                _calls.Add(call);
            }

            // A steady pace rather than a flood: the point is continuity, and the machine is shared.
            await Task.Delay(5, CancellationToken.None);
        }
    }

    private static int PortOf(string echoReply)
    {
        using var reply = JsonDocument.Parse(echoReply);
        return reply.RootElement.GetProperty("port").GetInt32();
    }
}
