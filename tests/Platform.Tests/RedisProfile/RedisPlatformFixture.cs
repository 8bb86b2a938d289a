using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Platform.Tests.RedisProfile;

/// <summary>
/// The platform on the Redis profile (<c>components/redis</c>: state.redis for every store, pubsub.redis on Redis
/// Streams), started as <c>./run.sh --profile redis</c> starts it, against the Redis of <c>REDIS_CONNECTION</c>.
/// Its ports are shifted by 14000, clear of the local-profile fixture (11000) and the benchmark smoke runs.
/// </summary>
public sealed class RedisPlatformFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public const string ApiKey = "sk-redisprf_R3d1sPr0f1l3T3stsB00tstr4pK3y9zQ7";
    public const int Offset = 14000;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private string? _root;
    private LaunchedPlatform? _platform;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{PlatformPorts.App("router") - PlatformPorts.Offset + Offset}"), Timeout = TimeSpan.FromMinutes(2) };

    public string Output => _platform?.Output.Tail(200) ?? string.Empty;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("deepseek-dapr-redis-profile-").FullName;
        var components = Path.Combine(_root, "components");
        Directory.CreateDirectory(components);
        var redis = Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } r ? r : "127.0.0.1:6379";
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "components", "redis"), "*.yaml"))
        {
            var yaml = File.ReadAllText(file)
                .Replace("127.0.0.1:6379", redis, StringComparison.Ordinal)
                .Replace("./components/local/secrets.json", Path.Combine(RepoPaths.Root, "components", "local", "secrets.json"), StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(components, Path.GetFileName(file)), yaml);
        }

        var environment = new Dictionary<string, string> { ["DEEPSEEK_BOOTSTRAP_KEY"] = ApiKey };
        try
        {
            _platform = await LaunchedPlatform.StartAsync(
                new PlatformLaunch("redis", Offset, [components, RepoPaths.DaprConfig], environment),
                message => diagnostics.OnMessage(new DiagnosticMessage($"[redis-profile] {message}")));

            // Ready once a chat is answered: every app on the request path has then served through Redis.
            await _platform.WaitUntilOkAsync(
                Http, () => Request(HttpMethod.Post, "/v1/chat/completions", ChatBodies.User("deepseek-chat", "Warm-up", maxTokens: 4)),
                ReadyTimeout, TimeSpan.FromMilliseconds(500));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
            _platform = null;
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        Http.Dispose();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisPlatformCollection : ICollectionFixture<RedisPlatformFixture>
{
    public const string Name = "platform-redis";
}
