namespace FaultBench;

/// <summary>
/// The fault plan, run while the load runs: a warm-up (every key used, both gateway instances reached), then for each
/// fault in turn its own model, a lead-in, the stop through the admin API, the down window, the start (answered once
/// healthy) and the after window.
/// </summary>
internal sealed class FaultSuite(FaultOptions options, FaultLoad load, LauncherAdmin admin, Action<string> progress)
{
    public List<string> Notes { get; } = [];

    /// <param name="gatewayInstance">The app port of the gateway-ai replica to stop for a one-instance fault; null stops the app.</param>
    public async Task<IReadOnlyList<PhaseTiming>> RunAsync(int? gatewayInstance)
    {
        progress($"warm-up: {options.WarmUp.TotalSeconds:0} s");
        await Task.Delay(options.WarmUp);
        var timings = new List<PhaseTiming>();
        for (var i = 0; i < options.Faults.Count; i++)
        {
            var fault = options.Faults[i];
            var instance = fault.OneInstance ? gatewayInstance : null;
            load.EnterPhase(i, fault.Model);
            var start = load.Now;
            await Task.Delay(options.LeadIn);

            var stopIssued = load.Now;
            await StepAsync(fault, "stop", () => admin.StopAsync(fault.AppId, instance));
            var stopped = load.Now;
            progress($"{fault.Name}: stopped in {stopped - stopIssued:0.0} s; down for {options.Down.TotalSeconds:0} s");
            await DelayUntilAsync(stopIssued + options.Down.TotalSeconds);

            var startIssued = load.Now;
            await StepAsync(fault, "start", () => admin.StartAsync(fault.AppId, instance));
            var healthy = load.Now;
            progress($"{fault.Name}: healthy again {healthy - startIssued:0.0} s after the start command");
            await Task.Delay(options.After);
            timings.Add(new PhaseTiming(start, stopIssued, stopped, startIssued, healthy, load.Now, instance));
        }

        return timings;
    }

    private async Task StepAsync(FaultSpec fault, string action, Func<Task<AdminApp>> step)
    {
        try
        {
            var app = await step();
            if (action == "start" && app.Instances.Any(i => i.State != "Healthy"))
            {
                Notes.Add($"{fault.Name}: after start, instances were {string.Join(", ", app.Instances.Select(i => $"{i.Name} {i.State}"))}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            Notes.Add($"{fault.Name}: {action} failed: {ex.Message}");
            progress($"{fault.Name}: {action} failed: {ex.Message}");
        }
    }

    private async Task DelayUntilAsync(double second)
    {
        var wait = second - load.Now;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait));
        }
    }
}
