using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using LocalDapr.Actors;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Tests.Actors;

/// <summary>
/// A runtime with one app-id hosting <see cref="CounterActor"/> through the real Dapr.Actors.AspNetCore handlers.
/// The app starts after the sidecar (it must know the sidecar's HTTP port), then joins as a healthy instance,
/// which makes the runtime read its <c>GET /dapr/config</c>.
/// </summary>
public sealed class ActorTestKit : IAsyncDisposable
{
    public const string AppId = "actor-host";

    /// <summary>A second app-id without actors: calls through its sidecar must reach the hosting app.</summary>
    public const string CallerAppId = "actor-client";
    public const string ActorType = nameof(CounterActor);

    public const string InMemoryActorStore = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: actorstore
        spec:
          type: state.in-memory
          version: v1
          metadata:
          - name: actorStateStore
            value: "true"
        """;

    private ActorTestKit(RuntimeHarness harness) => Harness = harness;

    public RuntimeHarness Harness { get; }

    /// <summary>The hosting app's instances (replicas share the app-id and the sidecar).</summary>
    public List<TestApp> Replicas { get; } = [];

    public string SidecarUrl => Harness.HttpEndpoint(AppId);

    /// <param name="extraResources">More resource files for both apps (e.g. a Resiliency scoped to <see cref="CallerAppId"/>).</param>
    public static async Task<ActorTestKit> StartAsync(
        string componentYaml = InMemoryActorStore,
        TimeSpan? idleTimeout = null,
        TimeSpan? scanInterval = null,
        bool reentrant = false,
        Action<WebApplication>? mapAppEndpoints = null,
        int replicas = 1,
        params (string Name, string Yaml)[] extraResources)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(AppId));
        options.Apps.Add(new HarnessApp(CallerAppId));
        options.Resources["actorstore.yaml"] = componentYaml;
        foreach (var (name, yaml) in extraResources)
        {
            options.Resources[name] = yaml;
        }

        var harness = await RuntimeHarness.StartAsync(options);
        var kit = new ActorTestKit(harness);
        try
        {
            var sidecar = harness.HttpEndpoint(AppId);
            for (var i = 0; i < replicas; i++)
            {
                var app = await TestApp.StartAsync(
                    app =>
                    {
                        app.MapActorsHandlers();
                        mapAppEndpoints?.Invoke(app);
                    },
                    builder => builder.Services.AddActors(options =>
                    {
                        options.Actors.RegisterActor<CounterActor>();
                        options.HttpEndpoint = sidecar;
                        options.ReentrancyConfig = new ActorReentrancyConfig { Enabled = reentrant };
                        if (idleTimeout is { } idle)
                        {
                            options.ActorIdleTimeout = idle;
                        }

                        if (scanInterval is { } scan)
                        {
                            options.ActorScanInterval = scan;
                        }
                    }));
                harness.AddInstance(AppId, app);
                kit.Replicas.Add(app);
            }

            var registry = harness.Runtime.Services.GetRequiredService<ActorTypeRegistry>();
            var registered = await Eventually.TrueAsync(() => Task.FromResult(registry.Find(ActorType) is not null), TimeSpan.FromSeconds(10));
            registered.Should().BeTrue("the runtime reads the actor types from GET /dapr/config when the app becomes ready");
            return kit;
        }
        catch
        {
            await kit.DisposeAsync();
            throw;
        }
    }

    public ICounterActor Proxy(string actorId) =>
        ActorProxy.Create<ICounterActor>(new ActorId(actorId), ActorType, new ActorProxyOptions { HttpEndpoint = SidecarUrl });

    /// <summary>A strongly typed proxy on the sidecar of <see cref="CallerAppId"/>.</summary>
    public ICounterActor CallerProxy(string actorId) =>
        ActorProxy.Create<ICounterActor>(new ActorId(actorId), ActorType, new ActorProxyOptions { HttpEndpoint = Harness.HttpEndpoint(CallerAppId) });

    /// <summary>A weakly typed proxy (<c>InvokeMethodAsync</c>, JSON) on the sidecar of <see cref="CallerAppId"/>.</summary>
    public ActorProxy WeakCallerProxy(string actorId) =>
        ActorProxy.Create(new ActorId(actorId), ActorType, new ActorProxyOptions { HttpEndpoint = Harness.HttpEndpoint(CallerAppId) });

    public Abstractions.IStateStore ActorStore() => Harness.Runtime.Services.GetRequiredService<ActorStateStores>().For(AppId);

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
