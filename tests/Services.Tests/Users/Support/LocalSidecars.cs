using System.Net;
using System.Net.Sockets;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.State;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;

namespace Services.Tests.Users.Support;

/// <summary>
/// The local Dapr runtime started in-process with the sidecars of auth, users, chat and monitoring, each with its real
/// SQLite state store (and auth with the local-file secret store holding the key pepper) in a temp folder. Tests talk
/// to it through the official <see cref="DaprClient"/> over gRPC, exactly as the services do.
/// </summary>
public sealed class LocalSidecars : IAsyncLifetime
{
    public const string Pepper = "test-pepper-0123456789";

    private static readonly (string AppId, string Store)[] Apps =
    [
        (AppIds.Auth, Components.AuthDb),
        (AppIds.Users, Components.UsersDb),
        (AppIds.Chat, Components.ChatDb),
        (AppIds.Monitoring, Components.MonitoringDb),
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepseek-services-tests", Guid.NewGuid().ToString("n"));
    private readonly Dictionary<string, DaprClient> _clients = new(StringComparer.Ordinal);
    private LocalDaprRuntime? _runtime;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var secrets = Path.Combine(_root, "secrets.json");
        await File.WriteAllTextAsync(secrets, $$"""{ "auth": { "key-pepper": "{{Pepper}}" } }""");

        var sidecars = new List<SidecarDefinition>();
        foreach (var (appId, store) in Apps)
        {
            var resources = Path.Combine(_root, appId);
            Directory.CreateDirectory(resources);
            await File.WriteAllTextAsync(Path.Combine(resources, "state.yaml"), $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: {store}
                spec:
                  type: state.sqlite
                  version: v1
                  metadata:
                    - name: connectionString
                      value: "{Path.Combine(_root, store + ".db")}"
                    - name: busyTimeout
                      value: "5s"
                scopes:
                  - {appId}
                """);
            await File.WriteAllTextAsync(Path.Combine(resources, "secretstore.yaml"), $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: {Components.SecretStore}
                spec:
                  type: secretstores.local.file
                  version: v1
                  metadata:
                    - name: secretsFile
                      value: "{secrets}"
                    - name: nestedSeparator
                      value: ":"
                """);
            await File.WriteAllTextAsync(Path.Combine(resources, "pubsub.yaml"), $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: {Components.PubSub}
                spec:
                  type: pubsub.in-memory
                  version: v1
                  metadata: []
                """);
            sidecars.Add(new SidecarDefinition(appId, FreePort(), FreePort(), [resources]));
        }

        _runtime = await LocalDaprRuntime.StartAsync(sidecars);
        foreach (var sidecar in sidecars)
        {
            _clients[sidecar.AppId] = new DaprClientBuilder()
                .UseHttpEndpoint($"http://127.0.0.1:{sidecar.HttpPort}")
                .UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}")
                .Build();
        }
    }

    /// <summary>Settings that point a service under test at its sidecar (what the launcher passes as environment).</summary>
    public IReadOnlyDictionary<string, string> SidecarSettings(string appId)
    {
        var sidecar = _runtime!.Sidecars.Single(s => s.AppId == appId);
        return new Dictionary<string, string>
        {
            ["APP_ID"] = appId,
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{sidecar.HttpPort}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{sidecar.GrpcPort}",
        };
    }

    /// <summary>The SDK client of an app's sidecar.</summary>
    public DaprClient Client(string appId) => _clients[appId];

    /// <summary>The app's own state store, as the service registers it.</summary>
    public IJsonStateStore Store(string appId) =>
        new DaprJsonStateStore(_clients[appId], Apps.Single(a => a.AppId == appId).Store);

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static int FreePort() => Services.Tests.Support.TestPorts.Next();
}

[CollectionDefinition(Name)]
public sealed class LocalSidecarsCollection : ICollectionFixture<LocalSidecars>
{
    public const string Name = "local sidecars";
}

/// <summary>A clock the test sets, so minute and day windows do not depend on when the test runs.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
