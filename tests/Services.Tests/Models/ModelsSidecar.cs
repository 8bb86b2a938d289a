using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.State;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Services.Tests.Inference;

namespace Services.Tests.Models;

/// <summary>
/// The local Dapr runtime in-process with the sidecar of <c>models</c>: its real SQLite <c>models-db</c> and the
/// in-memory pub/sub, in a temp folder. Tests reach it through the official <see cref="DaprClient"/>, like the service.
/// </summary>
public sealed class ModelsSidecar : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepseek-models-tests", Guid.NewGuid().ToString("n"));
    private LocalDaprRuntime? _runtime;

    public DaprClient Client { get; private set; } = null!;
    public int HttpPort { get; } = LoopbackServer.ClosedPort();
    public int GrpcPort { get; } = LoopbackServer.ClosedPort();

    public IJsonStateStore Store => new DaprJsonStateStore(Client, Components.ModelsDb);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "models-db.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.ModelsDb}
            spec:
              type: state.sqlite
              version: v1
              metadata:
                - name: connectionString
                  value: "{Path.Combine(_root, "models-db.db")}"
            scopes:
              - {AppIds.Models}
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.PubSub}
            spec:
              type: pubsub.in-memory
              version: v1
              metadata: []
            """);
        _runtime = await LocalDaprRuntime.StartAsync([new SidecarDefinition(AppIds.Models, HttpPort, GrpcPort, [_root])]);
        Client = new DaprClientBuilder()
            .UseHttpEndpoint($"http://127.0.0.1:{HttpPort}")
            .UseGrpcEndpoint($"http://127.0.0.1:{GrpcPort}")
            .Build();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
