using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Benchmark;

/// <summary>
/// The CI smoke run of tools/PlatformBench (issue 7): a short quick run (cache-miss and cache-hit scenarios) against
/// the fake upstream, Portkey's gateway and the platform, checked for completing and for a parsable results.json with
/// every target. No speed is asserted. Portkey is left out only when node/npm are not installed.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    /// <summary>Apart from the platform tests' offset (11000) and the default bench run's (13000).</summary>
    private const int PortOffset = 12000;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    private static string BenchDll => Path.Combine(RepoPaths.Root, "tools", "PlatformBench", "bin", "Release", "net10.0", "platform-bench.dll");

    private static string PortkeyScript => Path.Combine(RepoPaths.Root, ".bench", "portkey", "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");

    [Fact]
    public async Task Quick_run_completes_and_writes_results_for_every_target()
    {
        var withPortkey = OnPath("node") && OnPath("npm");
        if (!File.Exists(BenchDll))
        {
            await RunAsync("dotnet", ["build", Path.Combine(RepoPaths.Root, "tools", "PlatformBench", "PlatformBench.csproj"), "-c", "Release", "-nologo", "-v", "q"]);
        }

        if (withPortkey && !File.Exists(PortkeyScript))
        {
            await RunAsync("npm", ["install", "--prefix", Path.Combine(RepoPaths.Root, ".bench", "portkey"), "--no-audit", "--no-fund", "@portkey-ai/gateway@1.15.2"]);
        }

        var outputDirectory = Directory.CreateTempSubdirectory("platform-bench-smoke-");
        try
        {
            List<string> arguments = [BenchDll, "--seconds", "6", "--quick", "--out", outputDirectory.FullName, "--port-offset", PortOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (!withPortkey)
            {
                arguments.Add("--no-portkey");
                output.WriteLine("node/npm not installed: Portkey left out");
            }

            var stdout = await RunAsync("dotnet", arguments);
            stdout.Should().Contain("| Scenario | Target |", "the Markdown table is printed");

            var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(outputDirectory.FullName, "results.json")))!;
            var results = json["results"]!.AsArray();
            var targets = results.Select(r => r!["target"]!.GetValue<string>()).Distinct().ToList();
            string[] expected = withPortkey ? ["direct", "portkey", "platform", "platform, 8 users", "bare-kestrel"] : ["direct", "platform", "platform, 8 users", "bare-kestrel"];
            targets.Should().BeEquivalentTo(expected);
            results.Should().OnlyContain(r => r!["requests"]!.GetValue<long>() > 0, "every target answered in every scenario");
            json["memory"]!.AsArray().Select(m => m!["target"]!.GetValue<string>()).Should().Contain("platform");
            json["memory"]!.AsArray().Single(m => m!["target"]!.GetValue<string>() == "platform")!["processes"]!.AsArray()
                .Should().HaveCountGreaterThan(1, "the launcher and its app processes are listed");
            File.Exists(Path.Combine(outputDirectory.FullName, "results.md")).Should().BeTrue();
            File.ReadAllText(Path.Combine(outputDirectory.FullName, "chart.svg")).Should().StartWith("<svg");
            (await File.ReadAllBytesAsync(Path.Combine(outputDirectory.FullName, "chart.png"))).Take(8)
                .Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "chart.png is a PNG file");
        }
        finally
        {
            outputDirectory.Delete(recursive: true);
        }
    }

    private async Task<string> RunAsync(string fileName, IEnumerable<string> arguments)
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
            // SIGKILL of the bench alone would orphan the platform it started: take the whole tree.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {RunTimeout.TotalMinutes} minutes");
        }

        output.WriteLine(await stderr);
        var text = await stdout;
        output.WriteLine(text);
        process.ExitCode.Should().Be(0, $"{fileName} {string.Join(' ', info.ArgumentList)} must succeed");
        return text;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));
}
