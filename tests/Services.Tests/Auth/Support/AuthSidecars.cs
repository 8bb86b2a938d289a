using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Dapr.Client;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.State;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Services.Tests.Auth.Support;

/// <summary>
/// The auth app on real Kestrel (loopback) with its real sidecar from the in-process local runtime: auth-db on SQLite
/// in a temp folder, the local-file secret store holding a random pepper and JWT signing key, and the broadcast
/// pub/sub. A second sidecar, <c>gateway-ai</c>, is backed by <see cref="RevocationSubscriber"/> and is where tests
/// call auth from, through Dapr service invocation, exactly as the gateways do. Every log line of the runtime is
/// captured in memory and every log line of auth is written to <see cref="AppLogPath"/>, for the key-leak scan.
/// </summary>
public sealed class AuthSidecars : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepseek-auth-tests", Guid.NewGuid().ToString("n"));
    private readonly List<IDisposable> _disposables = [];
    private LocalDaprRuntime? _runtime;
    private WebApplicationFactory<ApiKeyService>? _auth;

    public string Pepper { get; } = "pepper-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public string JwtSigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>The <c>DEEPSEEK_BOOTSTRAP_KEY</c> auth starts with.</summary>
    public string BootstrapKey { get; } = ApiKeyFormat.Generate();

    /// <summary>A second bootstrap key, held in the secret store as <c>auth:bootstrap-key</c> (the Kubernetes way).</summary>
    public string SecretStoreBootstrapKey { get; } = ApiKeyFormat.Generate();

    public string DatabasePath => Path.Combine(_root, "auth-db.sqlite");

    public string AppLogPath => Path.Combine(_root, "auth.log");

    public CapturedLogs RuntimeLogs { get; } = new();

    public RevocationSubscriber Subscriber { get; private set; } = null!;

    /// <summary>Calls auth through the gateway-ai sidecar (<c>http://auth/...</c> = Dapr service invocation).</summary>
    public HttpClient Auth { get; private set; } = null!;

    /// <summary>The SDK client of auth's own sidecar.</summary>
    public DaprClient AuthDapr { get; private set; } = null!;

    /// <summary>auth-db as auth itself registers it.</summary>
    public IJsonStateStore Store => new DaprJsonStateStore(AuthDapr, Components.AuthDb);

    public async Task InitializeAsync()
    {
        var resources = Path.Combine(_root, "resources");
        Directory.CreateDirectory(resources);
        var secrets = Path.Combine(_root, "secrets.json");
        await File.WriteAllTextAsync(secrets, $$"""{ "auth": { "key-pepper": "{{Pepper}}", "jwt-signing-key": "{{JwtSigningKey}}", "bootstrap-key": "{{SecretStoreBootstrapKey}}" } }""");
        await WriteResourcesAsync(resources, secrets);

        var authSidecar = new SidecarDefinition(AppIds.Auth, FreePort(), FreePort(), [resources]);
        var gatewaySidecar = new SidecarDefinition(AppIds.GatewayAi, FreePort(), FreePort(), [resources]);
        _runtime = await LocalDaprRuntime.StartAsync(
            [authSidecar, gatewaySidecar],
            new LocalDaprRuntimeOptions { ConfigureLogging = l => l.AddProvider(RuntimeLogs).SetMinimumLevel(LogLevel.Trace) });

        AuthDapr = Track(new DaprClientBuilder()
            .UseHttpEndpoint($"http://127.0.0.1:{authSidecar.HttpPort}")
            .UseGrpcEndpoint($"http://127.0.0.1:{authSidecar.GrpcPort}")
            .Build());
        Auth = Track(DaprClient.CreateInvokeHttpClient(AppIds.Auth, $"http://127.0.0.1:{gatewaySidecar.HttpPort}"));

        Subscriber = await RevocationSubscriber.StartAsync();
        Subscriber.UseAuthClient(Track(DaprClient.CreateInvokeHttpClient(AppIds.Auth, $"http://127.0.0.1:{gatewaySidecar.HttpPort}")));
        Register(new AppInstance(AppIds.GatewayAi, Subscriber.Port));

        var authPort = FreePort();
        _auth = new WebApplicationFactory<ApiKeyService>().WithWebHostBuilder(b =>
        {
            b.UseSetting("APP_ID", AppIds.Auth);
            b.UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{authSidecar.HttpPort}");
            b.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{authSidecar.GrpcPort}");
            b.UseSetting(BootstrapKeyTask.EnvironmentVariable, BootstrapKey);

            // Every line auth logs, at every level of its own code, also goes to a file the leak scan reads.
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Serilog:WriteTo:0:Name"] = "File",
                ["Serilog:WriteTo:0:Args:path"] = AppLogPath,
                ["Serilog:WriteTo:0:Args:outputTemplate"] = "{Timestamp:o} {Level:u3} {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}",
                ["Serilog:MinimumLevel:Override:DeepSeek"] = "Verbose",
            }));
        });
        _auth.UseKestrel(k => k.Listen(IPAddress.Loopback, authPort));
        _auth.StartServer();
        Register(new AppInstance(AppIds.Auth, authPort));
    }

    /// <summary>Every line auth has logged so far (the file is shared for reading while Serilog appends).</summary>
    public async Task<IReadOnlyList<string>> AppLogLinesAsync()
    {
        await using var stream = new FileStream(AppLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        if (_auth is not null)
        {
            await _auth.DisposeAsync();
        }

        if (Subscriber is not null)
        {
            await Subscriber.DisposeAsync();
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

    private void Register(AppInstance instance)
    {
        _runtime!.Instances.Register(instance);
        _runtime.Instances.SetHealthy(instance, true);
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private async Task WriteResourcesAsync(string resources, string secrets)
    {
        await File.WriteAllTextAsync(Path.Combine(resources, "auth-db.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.AuthDb}
            spec:
              type: state.sqlite
              version: v1
              metadata:
                - name: connectionString
                  value: "{DatabasePath}"
                - name: busyTimeout
                  value: "5s"
            scopes:
              - {AppIds.Auth}
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
            scopes:
              - {AppIds.Auth}
            """);
        await File.WriteAllTextAsync(Path.Combine(resources, "broadcast.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Components.Broadcast}
            spec:
              type: pubsub.in-memory
              version: v1
              metadata:
                - name: consumerID
                  value: "{"{uuid}"}"
            scopes:
              - {AppIds.Auth}
              - {AppIds.GatewayAi}
            """);
    }

    private static int FreePort() => Services.Tests.Support.TestPorts.Next();
}

[CollectionDefinition(Name)]
public sealed class AuthSidecarsCollection : ICollectionFixture<AuthSidecars>
{
    public const string Name = "auth on its sidecar";
}
