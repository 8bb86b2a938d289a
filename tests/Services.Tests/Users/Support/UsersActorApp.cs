using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Services.Tests.Users.Support;

/// <summary>
/// The users app (its real Program) on a real loopback port, registered with the local runtime as the healthy
/// instance of <c>users</c>, so the runtime reads its actor types and subscriptions and calls it back as daprd would.
/// Beside it, <c>probe</c>: a second app-id whose sidecar plays gateway-ai (actor calls from another app's sidecar,
/// publishing usage) and whose app records the <c>account-changed</c> broadcasts. State is real SQLite in a temp folder.
/// </summary>
public class UsersActorApp : IAsyncLifetime
{
    public const string ProbeAppId = "probe";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepseek-users-actor-tests", Guid.NewGuid().ToString("n"));
    private LocalDaprRuntime? _runtime;
    private WebApplicationFactory<UsersOptions>? _factory;
    private DaprClient? _probeDapr;
    private DaprClient? _usersDapr;
    private AppInstance? _usersInstance;
    private readonly Dictionary<string, SidecarDefinition> _sidecars = new(StringComparer.Ordinal);

    public HttpClient Client { get; private set; } = null!;

    public AccountChangedProbe Probe { get; private set; } = null!;

    /// <summary>The clock of the users app: set by the test so minute and day windows never straddle a boundary.</summary>
    public FixedTime Time { get; } = new(UsersTestData.Noon);

    /// <summary>DaprClient of the probe's sidecar (publishes as gateway-ai does).</summary>
    public DaprClient ProbeDapr => _probeDapr!;

    /// <summary>DaprClient of the users sidecar: writes to users-db as another users instance would.</summary>
    public DaprClient UsersDapr => _usersDapr!;

    protected virtual bool UseFixedTime => true;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var shared = Path.Combine(_root, "shared");
        Directory.CreateDirectory(shared);
        await File.WriteAllTextAsync(Path.Combine(shared, "pubsub.yaml"), PubSub(Components.PubSub));
        await File.WriteAllTextAsync(Path.Combine(shared, "broadcast.yaml"), PubSub(Components.Broadcast));
        var usersResources = Path.Combine(_root, AppIds.Users);
        Directory.CreateDirectory(usersResources);
        await File.WriteAllTextAsync(Path.Combine(usersResources, "users-db.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.UsersDb}
            spec:
              type: state.sqlite
              version: v1
              metadata:
                - name: connectionString
                  value: "{Path.Combine(_root, "users-db.db")}"
                - name: busyTimeout
                  value: "5s"
                - name: actorStateStore
                  value: "true"
            scopes:
              - {AppIds.Users}
            """);

        _sidecars[AppIds.Users] = new SidecarDefinition(AppIds.Users, FreePort(), FreePort(), [usersResources, shared]);
        _sidecars[ProbeAppId] = new SidecarDefinition(ProbeAppId, FreePort(), FreePort(), [shared]);
        _runtime = await LocalDaprRuntime.StartAsync([.. _sidecars.Values]);
        _probeDapr = new DaprClientBuilder()
            .UseHttpEndpoint(HttpEndpoint(ProbeAppId))
            .UseGrpcEndpoint($"http://127.0.0.1:{_sidecars[ProbeAppId].GrpcPort}")
            .Build();

        _usersDapr = new DaprClientBuilder()
            .UseHttpEndpoint(HttpEndpoint(AppIds.Users))
            .UseGrpcEndpoint($"http://127.0.0.1:{_sidecars[AppIds.Users].GrpcPort}")
            .Build();
        Probe = await AccountChangedProbe.StartAsync();
        Join(new AppInstance(ProbeAppId, Probe.Port));

        await StartUsersAsync();
    }

    /// <summary>
    /// Stops the users app and starts a fresh process-equivalent (new container, new port, empty actor caches) on the
    /// same sidecar and store: what survives is only what the actor saved.
    /// </summary>
    public async Task RestartUsersAsync()
    {
        Client.Dispose();
        var old = _usersInstance!;
        _runtime!.Instances.SetHealthy(old, false);
        _runtime.Instances.Unregister(old);
        await _factory!.DisposeAsync();
        await StartUsersAsync();
    }

    private async Task StartUsersAsync()
    {
        var port = FreePort();
        _factory = new WebApplicationFactory<UsersOptions>().WithWebHostBuilder(b =>
        {
            b.UseSetting("APP_ID", AppIds.Users);
            b.UseSetting("DAPR_HTTP_ENDPOINT", HttpEndpoint(AppIds.Users));
            b.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{_sidecars[AppIds.Users].GrpcPort}");
            foreach (var (key, value) in Settings())
            {
                b.UseSetting(key, value);
            }

            if (UseFixedTime)
            {
                b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time));
            }
        });
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        _usersInstance = new AppInstance(AppIds.Users, port);
        Join(_usersInstance);

        // The bootstrap user is created through its actor: once it exists, the runtime hosts the actor type.
        var bootstrap = await Eventually.ValueAsync(
            async () => (await Client.GetAsync("/internal/users/admin")).StatusCode,
            status => status == HttpStatusCode.OK,
            StartDeadline);
        bootstrap.Should().Be(HttpStatusCode.OK, "the users app must come up with its actor hosted by the runtime");
    }

    /// <summary>Configuration of the users app: two plans of the tests besides the defaults.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Users:Plans:rpm10:RequestsPerMinute", "10"),
        new("Users:Plans:parallel3:MaxParallelRequests", "3"),
    ];

    public string HttpEndpoint(string appId) => $"http://127.0.0.1:{_sidecars[appId].HttpPort}";

    /// <summary>A user's actor, called weakly typed from the probe's sidecar exactly as gateway-ai calls it.</summary>
    public ActorProxy Actor(string userId) =>
        ActorProxy.Create(new ActorId(userId), UserAccountActorContract.ActorType, new ActorProxyOptions { HttpEndpoint = HttpEndpoint(ProbeAppId) });

    public async Task<string> CreateUserAsync(decimal granted, string plan = "unlimited")
    {
        var userId = UsersTestData.NewUserId();
        var reply = await Client.PostAsJsonAsync("/internal/users", new CreateUserRequest(userId, "Test " + userId, plan, granted), ContractsJsonContext.Default.CreateUserRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.Created);
        return userId;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Probe is not null)
        {
            await Probe.DisposeAsync();
        }

        _probeDapr?.Dispose();
        _usersDapr?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Join(AppInstance instance)
    {
        _runtime!.Instances.Register(instance);
        _runtime.Instances.SetHealthy(instance, true);
    }

    private static string PubSub(string name) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.in-memory
          version: v1
          metadata: []
        """;

    private static int FreePort() => Services.Tests.Support.TestPorts.Next();
}

/// <summary>Holds time out after 2 s and the sweep runs every second, on the real clock: the reminder path.</summary>
public sealed class ShortHoldsUsersApp : UsersActorApp
{
    protected override bool UseFixedTime => false;

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        .. base.Settings(),
        new("Users:ReservationTimeoutSeconds", "2"),
        new("Users:ReservationSweepSeconds", "1"),
    ];
}

/// <summary>A users app of its own, which a test restarts (other classes keep their app running).</summary>
public sealed class RestartableUsersApp : UsersActorApp;
