using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi;
using DeepSeek.Dapr.GatewayAi.Decisions;
using DeepSeek.Dapr.Users;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Services.Tests.Users.Support;

namespace Services.Tests.GatewayAi.Sidecars;

/// <summary>
/// Two gateway-ai replicas (the real app, each on its own loopback port) behind one gateway-ai sidecar of the local
/// runtime, the real users app hosting <c>UserAccountActor</c> on SQLite, and <see cref="StandInServices"/> as auth,
/// models and inference. Usage goes over the in-memory pub/sub to users; invalidations over the broadcast pub/sub
/// (consumer per instance), published from auth's sidecar as auth publishes them.
/// </summary>
public sealed class GatewayOnSidecars : IAsyncLifetime
{
    public const string ParallelOnePlan = "parallel1";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepseek-gateway-sidecar-tests", Guid.NewGuid().ToString("n"));
    private readonly Dictionary<string, SidecarDefinition> _sidecars = new(StringComparer.Ordinal);
    private readonly List<WebApplicationFactory<GatewayAiOptions>> _gateways = [];
    private readonly List<AppInstance> _gatewayInstances = [];
    private LocalDaprRuntime? _runtime;
    private WebApplicationFactory<UsersOptions>? _users;
    private DaprClient? _authDapr;

    public StandInServices StandIns { get; private set; } = null!;
    public HttpClient Users { get; private set; } = null!;
    public List<HttpClient> Gateways { get; } = [];
    public AppInstance UsersInstance { get; private set; } = null!;
    public LocalDaprRuntime Runtime => _runtime!;

    public async Task InitializeAsync()
    {
        await WriteResourcesAsync();
        _runtime = await LocalDaprRuntime.StartAsync([.. _sidecars.Values]);
        _authDapr = new DaprClientBuilder()
            .UseHttpEndpoint($"http://127.0.0.1:{_sidecars[AppIds.Auth].HttpPort}")
            .UseGrpcEndpoint($"http://127.0.0.1:{_sidecars[AppIds.Auth].GrpcPort}")
            .Build();

        StandIns = await StandInServices.StartAsync();
        foreach (var appId in new[] { AppIds.Auth, AppIds.Models, AppIds.Inference })
        {
            Join(new AppInstance(appId, StandIns.Port));
        }

        await StartUsersAsync();
        for (var i = 0; i < 2; i++)
        {
            StartGateway();
        }

        await WaitUntilEveryReplicaHearsBroadcastsAsync();
    }

    /// <summary>A user on the real users app, with a key the stand-in auth accepts; returns the key.</summary>
    public async Task<(string UserId, string ApiKey, string KeyId)> CreateUserWithKeyAsync(string plan = "unlimited", decimal granted = 10m)
    {
        var userId = "gw-" + Guid.NewGuid().ToString("n")[..10];
        using var created = await Users.PostAsJsonAsync("/internal/users", new CreateUserRequest(userId, "Gateway test", plan, granted), ContractsJsonContext.Default.CreateUserRequest);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var keyId = "k" + Guid.NewGuid().ToString("n")[..7];
        var apiKey = $"sk-{keyId}-{Guid.NewGuid():n}";
        StandIns.Keys[apiKey] = new KeyVerificationResult(true, keyId, userId, ["chat"]);
        return (userId, apiKey, keyId);
    }

    public Task PublishRevokedAsync(string keyId, string userId) =>
        _authDapr!.PublishByteEventAsync(Components.Broadcast, Topics.ApiKeyRevoked,
            JsonSerializer.SerializeToUtf8Bytes(new ApiKeyRevoked(keyId, userId, DateTimeOffset.UtcNow), ContractsJsonContext.Default.ApiKeyRevoked));

    public async Task<long> RequestsChargedAsync(string userId)
    {
        var report = await Users.GetFromJsonAsync($"/internal/users/{userId}/usage", ContractsJsonContext.Default.UsageReport);
        return report!.Lines.Sum(l => l.Requests);
    }

    public void SetUsersHealthy(bool healthy) => _runtime!.Instances.SetHealthy(UsersInstance, healthy);

    public async Task DisposeAsync()
    {
        Gateways.ForEach(c => c.Dispose());
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        Users?.Dispose();
        if (_users is not null)
        {
            await _users.DisposeAsync();
        }

        if (StandIns is not null)
        {
            await StandIns.DisposeAsync();
        }

        _authDapr?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task StartUsersAsync()
    {
        var port = FreePort();
        _users = new WebApplicationFactory<UsersOptions>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in SidecarSettings(AppIds.Users))
            {
                b.UseSetting(key, value);
            }

            b.UseSetting($"Users:Plans:{ParallelOnePlan}:MaxParallelRequests", "1");
        });
        _users.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _users.StartServer();
        Users = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        UsersInstance = new AppInstance(AppIds.Users, port);
        Join(UsersInstance);
        var bootstrap = await Eventually.ValueAsync(
            async () => (await Users.GetAsync("/internal/users/admin")).StatusCode, s => s == HttpStatusCode.OK, StartDeadline);
        bootstrap.Should().Be(HttpStatusCode.OK, "users must come up with its actor hosted by the runtime");
    }

    private void StartGateway()
    {
        var port = FreePort();
        var gateway = new WebApplicationFactory<GatewayAiOptions>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in SidecarSettings(AppIds.GatewayAi))
            {
                b.UseSetting(key, value);
            }
        });
        gateway.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        gateway.StartServer();
        _gateways.Add(gateway);
        Gateways.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        var instance = new AppInstance(AppIds.GatewayAi, port);
        _gatewayInstances.Add(instance);
        Join(instance);
    }

    /// <summary>
    /// The runtime subscribes each replica once it is healthy; a broadcast is only delivered after that. Evictions
    /// bump each replica's decision-cache epoch, so an account-changed for nobody shows when both are listening.
    /// </summary>
    private async Task WaitUntilEveryReplicaHearsBroadcastsAsync()
    {
        var caches = _gateways.Select(g => g.Services.GetRequiredService<KeyDecisionCache>()).ToList();
        var heard = await Eventually.ValueAsync(async () =>
        {
            await _authDapr!.PublishByteEventAsync(Components.Broadcast, Topics.AccountChanged,
                JsonSerializer.SerializeToUtf8Bytes(new AccountChanged("nobody", "warm-up", DateTimeOffset.UtcNow), ContractsJsonContext.Default.AccountChanged));
            return caches.All(c => c.Epoch > 0);
        }, all => all, StartDeadline);
        heard.Should().BeTrue("every gateway replica must be subscribed to the broadcast pub/sub");
    }

    private Dictionary<string, string> SidecarSettings(string appId) => new()
    {
        ["APP_ID"] = appId,
        ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{_sidecars[appId].HttpPort}",
        ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{_sidecars[appId].GrpcPort}",
    };

    private void Join(AppInstance instance)
    {
        _runtime!.Instances.Register(instance);
        _runtime.Instances.SetHealthy(instance, true);
    }

    private async Task WriteResourcesAsync()
    {
        var shared = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        var gateway = Directory.CreateDirectory(Path.Combine(_root, AppIds.GatewayAi)).FullName;
        var users = Directory.CreateDirectory(Path.Combine(_root, AppIds.Users)).FullName;
        await File.WriteAllTextAsync(Path.Combine(shared, "pubsub.yaml"), Component(Components.PubSub, "pubsub.in-memory", []));
        await File.WriteAllTextAsync(Path.Combine(shared, "broadcast.yaml"), Component(Components.Broadcast, "pubsub.in-memory", [("consumerID", "{uuid}")]));
        await File.WriteAllTextAsync(Path.Combine(gateway, "cache.yaml"), Component(Components.Cache, "state.in-memory", []));
        await File.WriteAllTextAsync(Path.Combine(users, "users-db.yaml"), Component(Components.UsersDb, "state.sqlite",
            [("connectionString", Path.Combine(_root, "users-db.db")), ("busyTimeout", "5s"), ("actorStateStore", "true")]));

        _sidecars[AppIds.GatewayAi] = new SidecarDefinition(AppIds.GatewayAi, FreePort(), FreePort(), [gateway, shared]);
        _sidecars[AppIds.Users] = new SidecarDefinition(AppIds.Users, FreePort(), FreePort(), [users, shared]);
        foreach (var appId in new[] { AppIds.Auth, AppIds.Models, AppIds.Inference })
        {
            _sidecars[appId] = new SidecarDefinition(appId, FreePort(), FreePort(), [shared]);
        }
    }

    private static string Component(string name, string type, (string Name, string Value)[] metadata)
    {
        var items = metadata.Length == 0
            ? "  metadata: []"
            : "  metadata:\n" + string.Join('\n', metadata.Select(m => $"    - name: {m.Name}\n      value: \"{m.Value}\""));
        return $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: {type}\n  version: v1\n{items}\n";
    }

    private static int FreePort() => Services.Tests.Support.TestPorts.Next();
}
