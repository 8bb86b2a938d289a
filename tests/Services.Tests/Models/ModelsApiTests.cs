using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Models;
using DeepSeek.Dapr.Models.Apis;
using DeepSeek.Dapr.Models.Events;
using DeepSeek.Dapr.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Services.Tests.Models;

/// <summary>The models service as Program.cs builds it, on real Kestrel, with its sidecar from <see cref="ModelsSidecar"/>.</summary>
public sealed class ModelsApp : IAsyncLifetime
{
    private readonly ModelsSidecar _sidecar = new();
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _sidecar.InitializeAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = ModelsTestSupport.ServiceDirectory(),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{_sidecar.HttpPort}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{_sidecar.GrpcPort}",
            ["Models:Registry:0:Id"] = "env-model",
            ["Models:Registry:0:Backend:Kind"] = "openai",
            ["Models:Registry:0:Backend:Endpoint"] = "http://127.0.0.1:5199",
        });
        builder.AddServiceDefaults();
        builder.AddModels();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.UseCloudEvents();
        _app.MapSubscribeHandler();
        _app.MapModelsApi();
        _app.MapModelEvents();
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _sidecar.DisposeAsync();
    }
}

public sealed class ModelsApiTests(ModelsApp app) : IClassFixture<ModelsApp>
{
    [Fact]
    public async Task Lists_configured_models_including_those_from_environment_variables()
    {
        var models = await app.Client.GetFromJsonAsync("internal/models", ContractsJsonContext.Default.ListModelDescriptor);

        models!.Select(m => m.Id).Should().Contain(["deepseek-chat", "deepseek-reasoner", "env-model"]);
    }

    [Fact]
    public async Task Resolves_an_alias_to_the_concrete_model()
    {
        var model = await app.Client.GetFromJsonAsync("internal/models/deepseek-r1", ContractsJsonContext.Default.ModelDescriptor);

        model!.Id.Should().Be("deepseek-reasoner");
        model.Backend.Reasoning.Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_model_is_404_model_not_found_in_the_openai_shape()
    {
        using var response = await app.Client.GetAsync("internal/models/gpt-9");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var error = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!;
        error.Error.Code.Should().Be("model_not_found");
        error.Error.Message.Should().Contain("gpt-9");
    }

    [Fact]
    public async Task Registration_round_trip_through_the_api()
    {
        var model = ModelsTestSupport.Upstream("api-model", "api-alias");

        using var put = await app.Client.PutAsJsonAsync("internal/models/api-model", model, ContractsJsonContext.Default.ModelDescriptor);
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.Client.GetFromJsonAsync("internal/models/api-alias", ContractsJsonContext.Default.ModelDescriptor))!.Id.Should().Be("api-model");

        using var delete = await app.Client.DeleteAsync("internal/models/api-model");
        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var gone = await app.Client.GetAsync("internal/models/api-alias");
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_registrations_get_400_naming_the_field()
    {
        var noEndpoint = ModelsTestSupport.Upstream("bad-model") with { Backend = new ModelBackend { Kind = BackendKinds.OpenAi } };
        using var invalid = await app.Client.PutAsJsonAsync("internal/models/bad-model", noEndpoint, ContractsJsonContext.Default.ModelDescriptor);
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Param.Should().Be("backend.endpoint");

        using var mismatch = await app.Client.PutAsJsonAsync("internal/models/other-id", ModelsTestSupport.Upstream("bad-model"), ContractsJsonContext.Default.ModelDescriptor);
        mismatch.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await mismatch.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Param.Should().Be("id");

        using var garbage = await app.Client.PutAsync("internal/models/x", new StringContent("{\"id\":", System.Text.Encoding.UTF8, "application/json"));
        garbage.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Hand_written_registration_gets_the_descriptor_defaults()
    {
        const string body = """{"id":"minimal-model","backend":{"kind":"openai","endpoint":"http://127.0.0.1:8000"}}""";
        using var put = await app.Client.PutAsync("internal/models/minimal-model", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        put.StatusCode.Should().Be(HttpStatusCode.OK);
        var model = (await put.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ModelDescriptor))!;
        model.Status.Should().Be("active");
        model.ContextWindow.Should().Be(4096);
        model.MaxOutputTokens.Should().Be(1024);
        model.Created.Should().BeGreaterThan(0);
        using var delete = await app.Client.DeleteAsync("internal/models/minimal-model");
    }

    [Fact]
    public async Task Configured_model_cannot_be_deleted_at_runtime()
    {
        using var response = await app.Client.DeleteAsync("internal/models/deepseek-chat");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Code.Should().Be("model_configured");
    }

    [Fact]
    public async Task Subscribes_to_model_updated_on_broadcast_so_every_instance_drops_its_cache()
    {
        var subscriptions = JsonNode.Parse(await app.Client.GetStringAsync("dapr/subscribe"))!.AsArray();

        var modelUpdated = subscriptions.Should().ContainSingle(s => s!["topic"]!.GetValue<string>() == Topics.ModelUpdated).Subject!;
        modelUpdated["pubsubName"]!.GetValue<string>().Should().Be(Components.Broadcast);
    }
}
