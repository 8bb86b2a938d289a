using System.Diagnostics;
using System.Net;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.RunFile;

namespace LocalDapr.Tests.Launcher;

/// <summary>
/// Two EchoApp replicas behind one sidecar under steady calls: a replica that dies (SIGKILL, or the admin stop) is
/// skipped within a second, because a refused connection takes it out of rotation and the same call goes to the
/// other replica; after its restart the health probe puts it back.
/// </summary>
public sealed class ReplicaFailoverTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private readonly RunFileScratch _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly int _adminPort = PortAllocator.Next();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_killed_replica_is_skipped_within_a_second_and_rejoins_after_its_restart()
    {
        var (port1, port2, sidecar) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = await StartReplicasAsync(port1, port2, sidecar);
        var victim = await launcher.AppPidAsync("echo#2");

        TimeSpan killedAt;
        IReadOnlyList<SteadyLoad.Call> calls;
        bool rejoined;
        await using (var load = new SteadyLoad(sidecar, "echo"))
        {
            await load.WaitForCallsAsync(40);
            killedAt = load.Now;
            using (var process = Process.GetProcessById(victim))
            {
                process.Kill();
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            using var start = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo/start?instance={port2}", null);
            start.StatusCode.Should().Be(HttpStatusCode.OK);
            launcher.Remember(await NewPidAsync(launcher, "echo#2", victim));
            rejoined = await load.WaitForAnswerFromAsync(port2, load.Now, TimeSpan.FromSeconds(15));
            calls = load.Calls;
        }

        AssertNoFailureAfterGrace(calls, killedAt);
        calls.Where(c => c.Started > killedAt + Grace && c.At < killedAt + TimeSpan.FromSeconds(3)).Should()
            .NotBeEmpty().And.OnlyContain(c => c.Port == port1, "only the surviving replica answers while the other is dead");
        rejoined.Should().BeTrue("the restarted replica is probed healthy and gets traffic again");
    }

    [Fact]
    public async Task A_killed_replica_started_elsewhere_is_skipped_at_its_first_refused_connection_and_probed_back()
    {
        // Entries without a command: the launcher does not see these processes exit, so only the refused
        // connection (and then the probe) can tell it the replica is gone and back.
        var (port1, port2, sidecar) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        using var first = await StartEchoAsync(port1);
        var second = await StartEchoAsync(port2);
        try
        {
            await using var launcher = await StartReplicasAsync(port1, port2, sidecar, withCommand: false);

            TimeSpan killedAt;
            IReadOnlyList<SteadyLoad.Call> calls;
            bool rejoined;
            await using (var load = new SteadyLoad(sidecar, "echo"))
            {
                await load.WaitForCallsAsync(40);
                killedAt = load.Now;
                second.Kill();
                await second.WaitForExitAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                second.Dispose();
                second = await StartEchoAsync(port2);
                rejoined = await load.WaitForAnswerFromAsync(port2, load.Now, TimeSpan.FromSeconds(15));
                calls = load.Calls;
            }

            AssertNoFailureAfterGrace(calls, killedAt);
            rejoined.Should().BeTrue("the probe finds the replica answering again and puts it back");
            await launcher.WaitForLineAsync($"instance 127.0.0.1:{port2} is unreachable");
        }
        finally
        {
            first.Kill();
            second.Kill();
            second.Dispose();
        }
    }

    [Fact]
    public async Task A_replica_stopped_and_started_through_the_admin_api_costs_no_call()
    {
        var (port1, port2, sidecar) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = await StartReplicasAsync(port1, port2, sidecar);
        await launcher.AppPidAsync("echo");

        TimeSpan stoppedAt;
        IReadOnlyList<SteadyLoad.Call> calls;
        bool rejoined;
        await using (var load = new SteadyLoad(sidecar, "echo"))
        {
            await load.WaitForCallsAsync(40);
            stoppedAt = load.Now;
            using (var stop = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo/stop?instance={port1}", null))
            {
                stop.StatusCode.Should().Be(HttpStatusCode.OK);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            using (var start = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo/start?instance={port1}", null))
            {
                start.StatusCode.Should().Be(HttpStatusCode.OK);
            }

            rejoined = await load.WaitForAnswerFromAsync(port1, load.Now, TimeSpan.FromSeconds(15));
            calls = load.Calls;
        }

        AssertNoFailureAfterGrace(calls, stoppedAt);
        rejoined.Should().BeTrue();
    }

    private static void AssertNoFailureAfterGrace(IReadOnlyList<SteadyLoad.Call> calls, TimeSpan faultAt)
    {
        var late = calls.Where(c => c.Started > faultAt + Grace).ToArray();
        late.Should().HaveCountGreaterThan(20, "the load kept running through the fault");
        late.Where(c => !c.Ok).Should().BeEmpty("a dead replica is skipped within a second of the fault");
    }

    private async Task<LauncherProcess> StartReplicasAsync(int port1, int port2, int sidecar, bool withCommand = true)
    {
        _dir.Dir("app");
        var command = withCommand ? $"    command: [\"dotnet\", \"{LauncherProcess.EchoAppDll}\"]\n" : string.Empty;
        var entry = $"    appDirPath: ./app\n{command}    enableAppHealthCheck: true\n";
        var runFile = _dir.RunFile(
            "version: 1\napps:\n" +
            $"  - appID: echo\n    appPort: {port1}\n    daprHTTPPort: {sidecar}\n    daprGRPCPort: {PortAllocator.Next()}\n{entry}" +
            $"  - appID: echo\n    appPort: {port2}\n{entry}");
        var launcher = LauncherProcess.Start("run", "-f", runFile, "--admin-port", _adminPort.ToString(), "--ready-timeout", "60");
        try
        {
            await launcher.WaitForLineAsync("all 2 apps ready in");
            return launcher;
        }
        catch
        {
            await launcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>An EchoApp process on <paramref name="port"/> run by the test itself; returns once it answers.</summary>
    private async Task<Process> StartEchoAsync(int port)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(LauncherProcess.EchoAppDll);
        psi.Environment["APP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["APP_ID"] = "echo";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{port}/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill();
        process.Dispose();
        throw new TimeoutException($"EchoApp on port {port} did not answer");
    }

    /// <summary>The pid of the latest "started pid" line of <paramref name="app"/> that is not <paramref name="previous"/>.</summary>
    private static async Task<int> NewPidAsync(LauncherProcess launcher, string app, int previous)
    {
        var line = await launcher.WaitForLineAsync(
            l => l.Contains($"] {app}: started pid ", StringComparison.Ordinal) && !l.Contains($"pid {previous}:", StringComparison.Ordinal),
            $"{app} restarted");
        return int.Parse(line[(line.IndexOf("started pid ", StringComparison.Ordinal) + 12)..].Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
