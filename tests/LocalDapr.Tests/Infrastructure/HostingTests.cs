using System.Net;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using LocalDapr.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Tests.Infrastructure;

public sealed class HostingTests
{
    [Fact]
    public async Task Every_sidecar_answers_health_on_its_own_http_port()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Apps.Add(new HarnessApp("app-b"));
        await using var harness = await RuntimeHarness.StartAsync(options);

        foreach (var appId in new[] { "app-a", "app-b" })
        {
            using var client = harness.CreateClient(appId);
            (await client.CheckHealthAsync()).Should().BeTrue();
            (await client.CheckOutboundHealthAsync()).Should().BeTrue();
            var raw = await harness.CreateSidecarHttpClient(appId).GetAsync("/v1.0/healthz");
            raw.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task Sdk_health_calls_succeed_with_or_without_the_token_when_one_is_enforced()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a") { ApiToken = "secret" });
        await using var harness = await RuntimeHarness.StartAsync(options);

        using var withToken = harness.CreateClient("app-a");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await withToken.WaitForSidecarAsync(timeout.Token);
        (await withToken.CheckHealthAsync()).Should().BeTrue();

        using var wrongToken = harness.CreateClient("app-a", apiToken: "wrong");
        (await wrongToken.CheckHealthAsync()).Should().BeTrue("GET healthz is exempt from the token check");
        (await wrongToken.CheckOutboundHealthAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Grpc_port_speaks_http2_only()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null);
        using var http1 = new HttpClient();
        // Kestrel answers an HTTP/1.1 request on an HTTP/2-only endpoint with an error, never with the API.
        using var refused = await http1.GetAsync($"{harness.GrpcEndpoint("app-a")}/v1.0/healthz");
        refused.IsSuccessStatusCode.Should().BeFalse();

        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2c.GetAsync($"{harness.GrpcEndpoint("app-a")}/v1.0/healthz");
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        response.Version.Should().Be(HttpVersion.Version20);
    }

    [Fact]
    public async Task Bad_resource_yaml_fails_start_up_naming_the_file()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Resources["broken.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: [unclosed\n";

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("broken.yaml");
    }

    [Fact]
    public async Task Resources_are_filtered_by_scopes_per_app()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Apps.Add(new HarnessApp("app-b"));
        options.Resources["endpoint.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: only-a
            spec:
              baseUrl: http://127.0.0.1:1
            scopes: [app-a]
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);

        var sidecars = harness.Runtime.Services.GetRequiredService<ISidecarResolver>();
        sidecars.Find("app-a")!.Resources.HttpEndpoints.Select(r => r.Name).Should().Equal("only-a");
        sidecars.Find("app-b")!.Resources.HttpEndpoints.Should().BeEmpty();
    }

    [Fact]
    public async Task Ready_listeners_hear_when_an_app_gets_its_first_healthy_instance()
    {
        var listener = new RecordingReadyListener();
        var options = new HarnessOptions { Runtime = new LocalDaprRuntimeOptions { ConfigureServices = s => s.AddSingleton<IAppReadyListener>(listener) } };
        options.Apps.Add(new HarnessApp("app-a"));
        await using var harness = await RuntimeHarness.StartAsync(options);
        await using var app = await TestApp.StartAsync(a => a.MapGet("/", () => "ok"));

        harness.Instances.Register(app.InstanceFor("app-a"));
        listener.Ready.Task.IsCompleted.Should().BeFalse("an instance that is not healthy yet is not ready");
        harness.Instances.SetHealthy(app.InstanceFor("app-a"), true);

        (await listener.Ready.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("app-a");
        harness.Instances.HealthyInstances("app-a").Should().ContainSingle().Which.AppPort.Should().Be(app.Port);
    }

    [Fact]
    public async Task App_channel_reaches_a_healthy_instance_with_the_app_token()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/dapr/subscribe", (HttpRequest r) => r.Headers["dapr-api-token"].ToString()));
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a") { AppApiToken = "app-secret", Instances = { app } });
        await using var harness = await RuntimeHarness.StartAsync(options);
        var channel = harness.Runtime.Services.GetRequiredService<IAppChannel>();

        channel.IsAvailable("app-a").Should().BeTrue();
        using var response = await channel.SendAsync("app-a", new HttpRequestMessage(HttpMethod.Get, "dapr/subscribe"), HttpCompletionOption.ResponseContentRead, CancellationToken.None);

        (await response.Content.ReadAsStringAsync()).Should().Be("app-secret");
        channel.IsAvailable("unknown").Should().BeFalse();
    }

    [Fact]
    public async Task A_port_in_use_fails_start_up_and_releases_every_other_port()
    {
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var free = PortAllocator.Next();
        var dir = Directory.CreateTempSubdirectory("localdapr-tests-").FullName;
        try
        {
            var act = () => LocalDaprRuntime.StartAsync(
                [new SidecarDefinition("app-a", free, PortAllocator.Next(), [dir]), new SidecarDefinition("app-b", PortAllocator.Next(), taken, [dir])]);

            await act.Should().ThrowAsync<IOException>();
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, free);
            probe.Start();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Unhealthy_replicas_get_no_calls_and_a_restart_is_announced_again()
    {
        var listener = new RecordingReadyListener();
        await using var first = await TestApp.StartAsync(a => a.MapGet("/who", () => "first"));
        await using var second = await TestApp.StartAsync(a => a.MapGet("/who", () => "second"));
        var options = new HarnessOptions { Runtime = new LocalDaprRuntimeOptions { ConfigureServices = s => s.AddSingleton<IAppReadyListener>(listener) } };
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { first, second } });
        await using var harness = await RuntimeHarness.StartAsync(options);
        await listener.Ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var http = harness.CreateInvokeHttpClient("caller");

        harness.Instances.SetHealthy(first.InstanceFor("target"), false);
        for (var i = 0; i < 4; i++)
        {
            (await http.GetStringAsync("http://target/who")).Should().Be("second");
        }

        harness.Instances.SetHealthy(second.InstanceFor("target"), false);
        listener.Reset();
        harness.Instances.SetHealthy(first.InstanceFor("target"), true);
        (await listener.Ready.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("target");
        (await http.GetStringAsync("http://target/who")).Should().Be("first");
    }

    private sealed class RecordingReadyListener : IAppReadyListener
    {
        public TaskCompletionSource<string> Ready { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset() => Ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnAppReadyAsync(string appId, CancellationToken cancellationToken)
        {
            Ready.TrySetResult(appId);
            return Task.CompletedTask;
        }
    }
}
