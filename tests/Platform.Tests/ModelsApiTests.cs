using System.Net;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary><c>GET /v1/models</c>, <c>GET /models</c> and <c>GET /v1/models/{id}</c>, and unknown models.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ModelsApiTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/models")]
    public async Task Models_list_has_the_openai_shape_and_the_builtin_models(string path)
    {
        using var response = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, path));
        var list = await ReadJsonAsync(response, HttpStatusCode.OK);

        list["object"]!.GetValue<string>().Should().Be("list");
        var models = list["data"]!.AsArray();
        models.Should().OnlyContain(m => m!["object"]!.GetValue<string>() == "model" && !string.IsNullOrEmpty(m["owned_by"]!.GetValue<string>()));
        var ids = models.Select(m => m!["id"]!.GetValue<string>()).ToList();
        ids.Should().Contain(["deepseek-chat", "deepseek-reasoner"]);
        ids.Should().Contain(PlatformFixture.FakeModel, "models registered by configuration are listed too");
    }

    [Fact]
    public async Task One_model_is_returned_by_id()
    {
        using var response = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, "/v1/models/deepseek-reasoner"));
        var model = await ReadJsonAsync(response, HttpStatusCode.OK);

        model["id"]!.GetValue<string>().Should().Be("deepseek-reasoner");
        model["object"]!.GetValue<string>().Should().Be("model");
    }

    [Fact]
    public async Task An_unknown_model_id_is_404_in_the_error_shape()
    {
        using var response = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Get, "/v1/models/no-such-model"));
        var error = await ReadErrorAsync(response, HttpStatusCode.NotFound);

        error["code"]!.GetValue<string>().Should().Be("model_not_found");
    }

    [Fact]
    public async Task Chat_with_an_unknown_model_is_404_model_not_found()
    {
        using var response = await platform.PostChatAsync(ChatBodies.User("no-such-model", "Hello"));
        var error = await ReadErrorAsync(response, HttpStatusCode.NotFound);

        error["code"]!.GetValue<string>().Should().Be("model_not_found");
        error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
        error["message"]!.GetValue<string>().Should().Contain("no-such-model");
    }

    [Fact]
    public async Task Streamed_chat_with_an_unknown_model_is_404_before_any_event()
    {
        using var response = await platform.PostChatAsync(ChatBodies.Streamed(ChatBodies.User("no-such-model", "Hello"), includeUsage: false));
        var error = await ReadErrorAsync(response, HttpStatusCode.NotFound);

        error["code"]!.GetValue<string>().Should().Be("model_not_found");
    }
}
