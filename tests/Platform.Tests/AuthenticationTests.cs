using System.Net;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>API keys are checked by auth on every chat request (through gateway-ai).</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthenticationTests(PlatformFixture platform)
{
    [Theory]
    [InlineData(null)]
    [InlineData("sk-wrongkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-key")]
    public async Task Chat_without_a_valid_key_is_401(string? apiKey)
    {
        var body = ChatBodies.User("deepseek-chat", "Hello");

        using var response = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Post, "/v1/chat/completions", body, apiKey));
        var error = await ReadErrorAsync(response, HttpStatusCode.Unauthorized);

        error["type"]!.GetValue<string>().Should().Be("authentication_error");
    }

    [Fact]
    public async Task The_bootstrap_key_from_the_environment_is_accepted()
    {
        using var response = await platform.PostChatAsync(ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Hi"), maxTokens: 4));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
