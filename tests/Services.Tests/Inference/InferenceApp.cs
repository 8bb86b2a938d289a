using System.Net.Http.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference;
using DeepSeek.Dapr.Inference.Apis;
using DeepSeek.Dapr.Inference.Upstream;
using DeepSeek.Dapr.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Services.Tests.Inference;

/// <summary>
/// The inference service as Program.cs builds it, on real Kestrel, with its model data in a temp folder, no sidecar
/// (secret lookups fail fast against a closed port) and upstreams called directly at their URL, plus a fake upstream.
/// </summary>
public sealed class InferenceApp : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "deepseek-inference-tests", Guid.NewGuid().ToString("n"));
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;
    public FakeUpstream Upstream { get; private set; } = null!;
    public string DataDir => _dataDir;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        var closed = LoopbackServer.ClosedPort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:DataDir"] = _dataDir,
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{closed}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{closed}",
        });
        builder.AddServiceDefaults();
        builder.AddInference();
        builder.Services.AddSingleton<IUpstreamRouter, DirectUpstreamRouter>();

        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGenerateApi();
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
    }

    public static ModelDescriptor Builtin(string id = "deepseek-chat", bool reasoning = false) => new()
    {
        Id = id,
        MaxOutputTokens = 256,
        Backend = new ModelBackend { Kind = BackendKinds.Builtin, Reasoning = reasoning },
    };

    public ModelDescriptor UpstreamModel(string behaviour, string? endpoint = null) => new()
    {
        Id = "my-upstream",
        Backend = new ModelBackend { Kind = BackendKinds.OpenAi, Endpoint = endpoint ?? Upstream.BaseAddress.ToString(), UpstreamModel = behaviour, SupportsTools = true },
    };

    public static ChatCompletionRequest Ask(string question, bool stream = false, double? temperature = 0) => new()
    {
        Model = "deepseek-chat",
        Messages = [new ChatMessage { Role = "user", Content = question }],
        Stream = stream,
        Temperature = temperature,
    };

    public Task<HttpResponseMessage> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken = default) =>
        Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "internal/generate") { Content = JsonContent.Create(request, ContractsJsonContext.Default.GenerateRequest) },
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}

/// <summary>Calls an upstream at its own URL instead of through a sidecar (the sidecar route is tested on its own).</summary>
public sealed class DirectUpstreamRouter : IUpstreamRouter
{
    public Uri ChatCompletionsUri(string endpoint) => new($"{UpstreamEndpoint.Normalize(endpoint)}/v1/chat/completions");

    public void Prepare(HttpRequestMessage request)
    {
    }
}
