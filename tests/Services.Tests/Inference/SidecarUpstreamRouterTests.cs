using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Upstream;
using DeepSeek.Dapr.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Services.Tests.Inference;

public sealed class SidecarUpstreamRouterTests
{
    [Theory]
    [InlineData("vllm", "/v1.0/invoke/vllm/method/v1/chat/completions")]
    [InlineData("http://127.0.0.1:5199", "/v1.0/invoke/http://127.0.0.1:5199/method/v1/chat/completions")]
    [InlineData("https://api.deepseek.com/", "/v1.0/invoke/https://api.deepseek.com/method/v1/chat/completions")]
    [InlineData("http://127.0.0.1:11434/v1/", "/v1.0/invoke/http://127.0.0.1:11434/method/v1/chat/completions")]
    public void Endpoint_becomes_a_sidecar_invocation_path(string endpoint, string path)
    {
        var router = new SidecarUpstreamRouter(new DaprSidecarOptions(new Uri("http://127.0.0.1:3507"), null));

        router.ChatCompletionsUri(endpoint).ToString().Should().Be("http://127.0.0.1:3507" + path);
    }

    /// <summary>The fake upstream plays the sidecar: it sees the exact request target and headers the sidecar would.</summary>
    [Fact]
    public async Task Upstream_request_reaches_the_sidecar_with_the_raw_url_and_the_api_token()
    {
        await using var sidecar = await FakeUpstream.StartAsync();
        var options = new DaprSidecarOptions(sidecar.BaseAddress, "sidecar-token");
        var collection = new ServiceCollection();
        collection.AddHttpClient();
        using var services = collection.BuildServiceProvider();
        var closed = LoopbackServer.ClosedPort();
        using var dapr = new Dapr.Client.DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{closed}").UseHttpEndpoint($"http://127.0.0.1:{closed}").Build();
        var credentials = new UpstreamCredentials(dapr, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<UpstreamCredentials>.Instance);
        var backend = new OpenAiUpstreamBackend(
            services.GetRequiredService<IHttpClientFactory>(),
            new SidecarUpstreamRouter(options),
            credentials);
        var model = new ModelDescriptor { Id = "remote", Backend = new ModelBackend { Kind = BackendKinds.OpenAi, Endpoint = "http://127.0.0.1:5199", UpstreamModel = "openai-style" } };

        var result = await backend.CompleteAsync(new GenerateRequest("r1", new ChatCompletionRequest { Messages = [new ChatMessage { Role = "user", Content = "Hi" }] }, model), default);

        result.Message.Content.Should().Be("Hello from upstream");
        var seen = sidecar.Requests.Single();
        seen.RawTarget.Should().Be("/v1.0/invoke/http://127.0.0.1:5199/method/v1/chat/completions");
        seen.DaprApiToken.Should().Be("sidecar-token");
        seen.Body.RootElement.GetProperty("model").GetString().Should().Be("openai-style");
    }
}
