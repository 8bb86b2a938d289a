using LocalDapr.Abstractions;
using LocalDapr.RunFile;

namespace LocalDapr.Launcher;

/// <summary>
/// Probes <c>GET http://{host}:{appPort}{appHealthCheckPath}</c> like daprd's app health check: every 200 ms until
/// the first success (fast start-up), then every <c>appHealthProbeInterval</c>; after <c>appHealthThreshold</c>
/// consecutive failures the instance is reported unhealthy, and healthy again on the next success. Any 2xx is
/// healthy. Unlike daprd, probing is always on (the app channel routes only to instances known to be healthy).
/// The channel may take an instance out of rotation by itself (a refused connection); while it is out, probing
/// runs at the fast start-up pace and the first success puts it back.
/// </summary>
internal sealed class HealthProbe(HttpClient client)
{
    private static readonly TimeSpan StartupInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StartupProbeTimeout = TimeSpan.FromSeconds(2);

    /// <param name="onChange">Called with true on the first success and after a recovery, false when the threshold is reached.</param>
    /// <param name="inRotation">Whether the registry still routes to the instance.</param>
    public async Task RunAsync(AppInstance instance, AppSpec spec, Func<bool> inRotation, Action<bool> onChange, CancellationToken cancellationToken)
    {
        var uri = new Uri($"http://{instance.Host}:{instance.AppPort}{spec.AppHealthCheckPath}");
        var healthy = false;
        var failures = 0;
        try
        {
            while (true)
            {
                var ok = await ProbeAsync(uri, healthy ? spec.AppHealthProbeTimeout : Max(spec.AppHealthProbeTimeout, StartupProbeTimeout), cancellationToken);
                if (ok)
                {
                    failures = 0;
                    if (!healthy || !inRotation())
                    {
                        healthy = true;
                        onChange(true);
                    }
                }
                else if (healthy && ++failures >= spec.AppHealthThreshold)
                {
                    healthy = false;
                    onChange(false);
                }

                await Task.Delay(healthy && inRotation() ? spec.AppHealthProbeInterval : StartupInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The instance is stopping or has exited.
        }
    }

    private async Task<bool> ProbeAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // this probe timed out
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
