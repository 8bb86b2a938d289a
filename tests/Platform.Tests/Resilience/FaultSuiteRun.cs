using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Resilience;

/// <summary>
/// One short run of tools/FaultBench (<c>--short</c>: every app stopped about 10 s in turn under a steady load),
/// shared by the tests of <see cref="FaultSuiteTests"/>. The bench starts and stops its own platform on its own port
/// offset (apart from the platform tests' 11000, the bench smoke run's 12000, the Redis profile's 14000 and full fault
/// runs' 15000). Its report, chart and logs stay in artifacts/faults-ci for whoever reads a failed CI run.
/// </summary>
public sealed class FaultSuiteRun : IAsyncLifetime
{
    public const int PortOffset = 14500;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4.5);
    private static readonly string Output = Path.Combine(RepoPaths.Artifacts, "faults-ci");

    public JsonNode Results { get; private set; } = new JsonObject();

    public string Log { get; private set; } = "";

    public string OutputDirectory => Output;

    private static string BenchDll => Path.Combine(RepoPaths.Root, "tools", "FaultBench", "bin", "Release", "net10.0", "fault-bench.dll");

    public async Task InitializeAsync()
    {
        if (!File.Exists(BenchDll))
        {
            await RunAsync("dotnet", ["build", Path.Combine(RepoPaths.Root, "tools", "FaultBench", "FaultBench.csproj"), "-c", "Release", "-nologo", "-v", "q"], expectExit: [0]);
        }

        foreach (var stale in new[] { "results.json", "results.md", "chart.png" }.Select(f => Path.Combine(Output, f)).Where(File.Exists))
        {
            File.Delete(stale);
        }

        // Exit 3 means "a target was missed": the run is complete and the tests say which target.
        await RunAsync("dotnet", [BenchDll, "--short", "--out", Output, "--port-offset", PortOffset.ToString(CultureInfo.InvariantCulture)], expectExit: [0, 3]);
        Results = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "results.json")))!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task RunAsync(string fileName, IEnumerable<string> arguments, int[] expectExit)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Killing the bench alone would orphan the platform it started: take the whole tree.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {RunTimeout.TotalMinutes} minutes");
        }

        Log += $"$ {fileName} {string.Join(' ', info.ArgumentList)}\n{await stderr}\n{await stdout}\n";
        if (!expectExit.Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{fileName} exited with {process.ExitCode}:\n{Log}");
        }
    }
}
