using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DeepSeek.Dapr.Contracts;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayAi;

public sealed class ModelsEndpointTests : IAsyncLifetime
{
    private FakeSidecar _sidecar = null!;
    private GatewayAiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _factory = new GatewayAiFactory(_sidecar);
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeSidecar.GoodKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task List_is_in_the_OpenAI_shape()
    {
        var list = await _client.GetFromJsonAsync("/v1/models", ContractsJsonContext.Default.ModelList);

        list!.Object.Should().Be("list");
        list.Data.Should().ContainSingle().Which.Id.Should().Be("deepseek-chat");
        list.Data[0].Object.Should().Be("model");
    }

    [Fact]
    public async Task One_model_by_alias_resolves_to_its_id()
    {
        var card = await _client.GetFromJsonAsync("/v1/models/chat", ContractsJsonContext.Default.ModelCard);

        card!.Id.Should().Be("deepseek-chat");
    }

    [Fact]
    public async Task Unknown_model_is_404_model_not_found()
    {
        using var response = await _client.GetAsync("/v1/models/nope");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var error = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse);
        error!.Error.Code.Should().Be("model_not_found");
    }

    [Fact]
    public async Task Models_need_a_key()
    {
        using var anonymous = _factory.CreateClient();
        using var response = await anonymous.GetAsync("/v1/models");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_verb_gets_405_in_the_OpenAI_shape()
    {
        using var response = await _client.GetAsync("/v1/chat/completions");

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        var error = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse);
        error!.Error.Code.Should().Be("method_not_allowed");
    }

    [Fact]
    public async Task Legacy_completions_is_501_not_404()
    {
        using var response = await _client.PostAsync("/v1/completions", new StringContent("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.NotImplemented);
        (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Code.Should().Be("not_implemented");
    }

    [Fact]
    public async Task Models_service_down_is_a_degraded_503()
    {
        _sidecar.DownApps.Add("models");

        using var response = await _client.GetAsync("/v1/models");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        response.Headers.GetValues("X-Fallback").Should().Equal("degraded");
    }
}
