using System.Net;
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
    private LauncherProcess? _launcher;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{PlatformPorts.App("router") - PlatformPorts.Offset + Offset}"), Timeout = TimeSpan.FromMinutes(2) };

    public string Output => _launcher?.Output.Tail(200) ?? string.Empty;

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

        string[] arguments =
        [
            "run", "-f", RepoPaths.RunFile,
            "--port-offset", Offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--resources-path", components,
            "--resources-path", RepoPaths.DaprConfig,
        ];
        var environment = new Dictionary<string, string> { ["DEEPSEEK_BOOTSTRAP_KEY"] = ApiKey };
        var output = new ProcessOutput(Path.Combine(RepoPaths.Artifacts, "platform-tests", "launcher-redis.log"));
        _launcher = LauncherProcess.Start(arguments, environment, output);
        diagnostics.OnMessage(new DiagnosticMessage($"redis-profile launcher pid {_launcher.Pid} on offset {Offset}"));
        try
        {
            await WaitUntilAnsweringAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_launcher is not null)
        {
            await _launcher.StopAsync(TimeSpan.FromSeconds(30));
            _launcher.Output.Dispose();
            _launcher.Dispose();
            _launcher = null;
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

    /// <summary>Ready once a chat is answered: every app on the request path has then served through Redis.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_launcher!.HasExited)
            {
                throw new InvalidOperationException($"the launcher exited with code {_launcher.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.SendAsync(Request(HttpMethod.Post, "/v1/chat/completions", ChatBodies.User("deepseek-chat", "Warm-up", maxTokens: 4)));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new TimeoutException($"the Redis-profile platform did not answer a chat within {ReadyTimeout.TotalSeconds} s (last: {last}):\n{Output}");
    }
}

[CollectionDefinition(Name)]
public sealed class RedisPlatformCollection : ICollectionFixture<RedisPlatformFixture>
{
    public const string Name = "platform-redis";
}
