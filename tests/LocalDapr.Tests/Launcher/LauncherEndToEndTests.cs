using Microsoft.AspNetCore.Builder;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.RunFile;

namespace LocalDapr.Tests.Launcher;

/// <summary>
/// The built launcher, run as a child process on a temporary run file with EchoApp instances: prefixed output,
/// the environment apps receive, invocation through the sidecar, stop/start of one app through the admin endpoint,
/// replicas, crash reports, and no process left after SIGTERM or a failed start.
/// </summary>
public sealed class LauncherEndToEndTests : IDisposable
{
    private readonly RunFileScratch _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly int _adminPort = PortAllocator.Next();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private sealed record EchoReply(string AppId, int Port, string Method, string Path, string? Query, string Body);

    private sealed record Echo(string AppId, int AppPort, int? DaprHttpPort = null, string Env = "", string Extra = "");

    private string RunFile(params Echo[] apps)
    {
        _dir.Dir("app");
        var yaml = new System.Text.StringBuilder("version: 1\napps:\n");
        foreach (var a in apps)
        {
            yaml.Append($"  - appID: {a.AppId}\n    appDirPath: ./app\n    appPort: {a.AppPort}\n");
            if (a.DaprHttpPort is { } http)
            {
                yaml.Append($"    daprHTTPPort: {http}\n    daprGRPCPort: {PortAllocator.Next()}\n");
            }

            yaml.Append($"    command: [\"dotnet\", \"{LauncherProcess.EchoAppDll}\"]\n");
            yaml.Append("    env: { ECHO_FROM_RUN_FILE: \"yes\"" + a.Env + " }\n");
            yaml.Append(a.Extra);
        }

        return _dir.RunFile(yaml.ToString());
    }

    private LauncherProcess Start(string runFile) =>
        LauncherProcess.Start("run", "-f", runFile, "--admin-port", _adminPort.ToString(), "--ready-timeout", "60");

    private async Task<JsonElement> AdminAppsAsync() =>
        await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{_adminPort}/admin/apps");

    private async Task<EchoReply> InvokeAsync(int sidecarPort, string appId, string path, string body = "", string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{sidecarPort}/v1.0/invoke/{appId}/method/echo/{path}?x=1")
        {
            Content = new StringContent(body),
        };
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        using var response = await _http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EchoReply>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    [Fact]
    public async Task Apps_get_the_dapr_variables_their_output_is_prefixed_and_the_sidecar_invokes_them()
    {
        var (portA, portB, sidecarA, sidecarB) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(
            new Echo("echo-a", portA, sidecarA),
            new Echo("echo-b", portB, sidecarB, ", DAPR_API_TOKEN: \"tok-b\"")));

        await launcher.WaitForLineAsync("all 2 apps ready in");
        await launcher.WaitForLineAsync($"[echo-a] listening on {portA}");
        await launcher.WaitForLineAsync("[echo-b] a line on stderr");

        var env = await _http.GetFromJsonAsync<Dictionary<string, string>>($"http://127.0.0.1:{portA}/env");
        env.Should().Contain(new Dictionary<string, string>
        {
            ["APP_ID"] = "echo-a",
            ["APP_PORT"] = portA.ToString(),
            ["DAPR_HTTP_PORT"] = sidecarA.ToString(),
            ["APP_PROTOCOL"] = "http",
            ["ECHO_FROM_RUN_FILE"] = "yes",
        });
        env.Should().ContainKey("DAPR_GRPC_PORT").And.NotContainKey("DAPR_API_TOKEN");

        // echo-a's sidecar invokes echo-b, and echo-b's sidecar demands the token its app was given.
        var reply = await InvokeAsync(sidecarA, "echo-b", "hello", "ping");
        reply.Should().Be(new EchoReply("echo-b", portB, "POST", "hello", "?x=1", "ping"));
        await launcher.WaitForLineAsync("[echo-b] handled POST /echo/hello");

        using var noToken = await _http.PostAsync($"http://127.0.0.1:{sidecarB}/v1.0/invoke/echo-a/method/echo/x", null);
        noToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await InvokeAsync(sidecarB, "echo-a", "x", token: "tok-b")).AppId.Should().Be("echo-a");
    }

    [Fact]
    public async Task One_app_can_be_stopped_and_started_through_the_admin_endpoint_while_another_keeps_answering()
    {
        var (portA, portB, sidecarB) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(new Echo("echo-a", portA), new Echo("echo-b", portB, sidecarB)));
        await launcher.WaitForLineAsync("all 2 apps ready in");
        var firstPid = await launcher.AppPidAsync("echo-a");

        using var stop = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo-a/stop", null);
        stop.StatusCode.Should().Be(HttpStatusCode.OK);
        LauncherProcess.IsRunning(firstPid).Should().BeFalse();
        var apps = await AdminAppsAsync();
        Instances(apps, "echo-a").Single().GetProperty("state").GetString().Should().Be("Stopped");
        Instances(apps, "echo-b").Single().GetProperty("state").GetString().Should().Be("Healthy");

        using (var down = await _http.PostAsync($"http://127.0.0.1:{sidecarB}/v1.0/invoke/echo-a/method/echo/x", null))
        {
            ((int)down.StatusCode).Should().BeGreaterThanOrEqualTo(400);
        }

        (await InvokeAsync(sidecarB, "echo-b", "still-here")).AppId.Should().Be("echo-b");

        using var start = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo-a/start", null);
        start.StatusCode.Should().Be(HttpStatusCode.OK);
        var restarted = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0];
        restarted.GetProperty("state").GetString().Should().Be("Healthy");
        var newPid = restarted.GetProperty("pid").GetInt32();
        launcher.Remember(newPid);
        newPid.Should().NotBe(firstPid);
        (await InvokeAsync(sidecarB, "echo-a", "back")).AppId.Should().Be("echo-a");

        using var unknown = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/nope/stop", null);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_status_stop_and_start_commands_talk_to_a_running_launcher()
    {
        var port = PortAllocator.Next();
        await using var launcher = Start(RunFile(new Echo("echo-a", port)));
        await launcher.WaitForLineAsync("all 1 apps ready in");
        var pid = await launcher.AppPidAsync("echo-a");

        var (code, output) = await CliAsync("status", "--admin-port", _adminPort.ToString());
        code.Should().Be(0, output);
        output.Should().MatchRegex($@"echo-a\s+\d+\s+\d+\s+{port}\s+{pid}\s+Healthy");

        (code, output) = await CliAsync("stop", "echo-a", "--admin-port", _adminPort.ToString());
        code.Should().Be(0, output);
        output.Should().MatchRegex($@"echo-a\s+\d+\s+\d+\s+{port}\s+-\s+Stopped");
        LauncherProcess.IsRunning(pid).Should().BeFalse();

        (code, output) = await CliAsync("start", "echo-a", "--instance", port.ToString(), "--admin-port", _adminPort.ToString());
        code.Should().Be(0, output);
        output.Should().MatchRegex($@"echo-a\s+\d+\s+\d+\s+{port}\s+\d+\s+Healthy");
        launcher.Remember(await launcher.AppPidAsync("echo-a"));

        (code, output) = await CliAsync("stop", "nope", "--admin-port", _adminPort.ToString());
        code.Should().Be(1);
        output.Should().Contain("app-id 'nope' is not running in this launcher");

        (code, output) = await CliAsync("status", "--admin-port", PortAllocator.Next().ToString());
        code.Should().Be(1);
        output.Should().Contain("no launcher answers on 127.0.0.1:");
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        await using var cli = LauncherProcess.Start(args);
        var code = await cli.WaitForExitAsync(120);
        return (code, cli.Output);
    }

    [Fact]
    public async Task An_entry_without_command_serves_a_sidecar_for_an_app_started_elsewhere()
    {
        await using var outside = await TestApp.StartAsync(app =>
        {
            app.MapGet("/healthz", () => "ok");
            app.MapPost("/echo/{path}", (string path) => new EchoReply("outside", 0, "POST", path, null, string.Empty));
        });
        var sidecar = PortAllocator.Next();
        _dir.Dir("app");
        var runFile = _dir.RunFile($"version: 1\napps:\n  - appID: outside\n    appDirPath: ./app\n    appPort: {outside.Port}\n    daprHTTPPort: {sidecar}\n");
        await using var launcher = Start(runFile);

        await launcher.WaitForLineAsync("outside: no command; serving its sidecar");
        await launcher.WaitForLineAsync("all 1 apps ready in");
        (await InvokeAsync(sidecar, "outside", "hi")).Should().Be(new EchoReply("outside", 0, "POST", "hi", null, string.Empty));

        using var stop = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/outside/stop", null);
        (await stop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0].GetProperty("state").GetString().Should().Be("Stopped");
        using (var refused = await _http.PostAsync($"http://127.0.0.1:{sidecar}/v1.0/invoke/outside/method/echo/x", null))
        {
            ((int)refused.StatusCode).Should().BeGreaterThanOrEqualTo(500);
        }

        (await _http.GetStringAsync($"{outside.BaseAddress}/healthz")).Should().Be("ok", "stopping an app the launcher did not start leaves it running");
    }

    [Fact]
    public async Task Two_replicas_of_one_app_id_share_a_sidecar_and_both_receive_traffic()
    {
        var (port1, port2, sidecar) = (PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(new Echo("echo", port1, sidecar), new Echo("echo", port2)));
        await launcher.WaitForLineAsync("all 2 apps ready in");
        await launcher.AppPidAsync("echo");
        await launcher.AppPidAsync("echo#2");

        var ports = new HashSet<int>();
        for (var i = 0; i < 10; i++)
        {
            ports.Add((await InvokeAsync(sidecar, "echo", $"r{i}")).Port);
        }

        ports.Should().BeEquivalentTo([port1, port2]);
        await launcher.WaitForLineAsync("[echo#2] handled POST");

        // Stopping one replica leaves the other serving every call.
        using var stop = await _http.PostAsync($"http://127.0.0.1:{_adminPort}/admin/apps/echo/stop?instance={port1}", null);
        stop.StatusCode.Should().Be(HttpStatusCode.OK);
        for (var i = 0; i < 4; i++)
        {
            (await InvokeAsync(sidecar, "echo", $"after{i}")).Port.Should().Be(port2);
        }
    }

    [Fact]
    public async Task An_app_failing_its_health_check_gets_no_traffic_until_it_recovers()
    {
        var (port, sidecar) = (PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(new Echo("flaky", port, sidecar, Extra: "    appHealthProbeInterval: 1\n    appHealthThreshold: 2\n")));
        await launcher.WaitForLineAsync("all 1 apps ready in");
        await launcher.AppPidAsync("flaky");
        (await InvokeAsync(sidecar, "flaky", "before")).AppId.Should().Be("flaky");

        (await _http.PostAsync($"http://127.0.0.1:{port}/health/down", null)).EnsureSuccessStatusCode();
        await launcher.WaitForLineAsync("flaky: unhealthy after 2 failed probes", seconds: 30);
        Instances(await AdminAppsAsync(), "flaky").Single().GetProperty("state").GetString().Should().Be("Unhealthy");
        using (var refused = await _http.PostAsync($"http://127.0.0.1:{sidecar}/v1.0/invoke/flaky/method/echo/x", null))
        {
            ((int)refused.StatusCode).Should().BeGreaterThanOrEqualTo(500);
        }

        (await _http.PostAsync($"http://127.0.0.1:{port}/health/up", null)).EnsureSuccessStatusCode();
        await launcher.WaitForLineAsync("flaky: healthy again", seconds: 30);
        (await InvokeAsync(sidecar, "flaky", "after")).AppId.Should().Be("flaky");
    }

    [Fact]
    public async Task Sigterm_stops_every_app_and_the_processes_they_started()
    {
        var (portA, portB) = (PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(new Echo("echo-a", portA, Env: ", ECHO_SPAWN_CHILD: \"1\""), new Echo("echo-b", portB)));
        await launcher.WaitForLineAsync("all 2 apps ready in");
        var pids = new List<int> { await launcher.AppPidAsync("echo-a"), await launcher.AppPidAsync("echo-b") };
        var grandchild = int.Parse((await launcher.WaitForLineAsync("[echo-a] child pid ")).Split(' ')[^1]);
        launcher.Remember(grandchild);
        pids.Add(grandchild);
        pids.Should().OnlyContain(pid => LauncherProcess.IsRunning(pid));

        launcher.Terminate();

        (await launcher.WaitForExitAsync()).Should().Be(0);
        pids.Where(LauncherProcess.IsRunning).Should().BeEmpty();
        launcher.Output.Should().Contain("stopping (SIGTERM)").And.Contain("[echo-a] stopping on signal");
    }

    [Fact]
    public async Task A_crashing_app_is_reported_and_the_others_keep_running()
    {
        var (portA, portB) = (PortAllocator.Next(), PortAllocator.Next());
        await using var launcher = Start(RunFile(new Echo("echo-a", portA), new Echo("crasher", portB, Env: ", ECHO_EXIT_CODE: \"3\"")));

        await launcher.WaitForLineAsync("[crasher] exiting with 3");
        await launcher.WaitForLineAsync("crasher (pid");
        (await launcher.WaitForLineAsync("only 1 of 2 apps ready")).Should().Contain("crasher (Exited)");
        var crasher = Instances(await AdminAppsAsync(), "crasher").Single();
        crasher.GetProperty("state").GetString().Should().Be("Exited");
        crasher.GetProperty("exitCode").GetInt32().Should().Be(3);
        (await _http.GetAsync($"http://127.0.0.1:{portA}/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_failed_start_stops_the_apps_already_started_and_exits_1()
    {
        var port = PortAllocator.Next();
        _dir.Dir("app");
        var runFile = _dir.RunFile($"""
            version: 1
            apps:
              - appID: good
                appDirPath: ./app
                appPort: {port}
                command: ["dotnet", "{LauncherProcess.EchoAppDll}"]
              - appID: bad
                appDirPath: ./app
                appPort: {PortAllocator.Next()}
                command: ["./no-such-program"]
            """);
        await using var launcher = Start(runFile);
        var goodPid = await launcher.AppPidAsync("good");

        (await launcher.WaitForExitAsync(90)).Should().Be(1);
        launcher.Output.Should().Contain("bad: cannot start './no-such-program'");
        LauncherProcess.IsRunning(goodPid).Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_run_file_exits_1_naming_the_line_and_field()
    {
        var runFile = _dir.RunFile("version: 1\napps:\n  - appID: x\n    command: [\"x\"]\n");
        await using var launcher = LauncherProcess.Start("run", "-f", runFile, "--admin-port", _adminPort.ToString());

        (await launcher.WaitForExitAsync()).Should().Be(1);
        launcher.Output.Should().Contain("dapr.yaml:3: apps[0]: required field 'appDirPath' not found");
    }

    [Fact]
    public async Task A_taken_admin_port_or_a_broken_resource_file_stops_the_start_with_exit_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, _adminPort);
        taken.Start();
        await using (var launcher = Start(RunFile(new Echo("echo-a", PortAllocator.Next()))))
        {
            (await launcher.WaitForExitAsync(60)).Should().Be(1);
            launcher.Output.Should().Contain($"admin port {_adminPort} is not free").And.NotContain("started pid");
        }

        taken.Stop();
        var broken = _dir.File("res/broken.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {}\nspec:\n  type: state.in-memory\n");
        var runFile = _dir.RunFile($"version: 1\ncommon:\n  resourcesPaths: [./res]\napps:\n  - appID: echo-a\n    appDirPath: ./app\n    appPort: {PortAllocator.Next()}\n    command: [\"dotnet\", \"{LauncherProcess.EchoAppDll}\"]\n");
        await using (var launcher = Start(runFile))
        {
            (await launcher.WaitForExitAsync(60)).Should().Be(1);
            launcher.Output.Should().Contain(broken).And.NotContain("started pid");
        }
    }

    private static IEnumerable<JsonElement> Instances(JsonElement apps, string appId) =>
        apps.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("appId").GetString() == appId).GetProperty("instances").EnumerateArray();
}
