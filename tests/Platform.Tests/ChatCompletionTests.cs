using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>Complete (non-streamed) chat through router → gateway-ai → … → inference, as a client sees it.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ChatCompletionTests(PlatformFixture platform)
{
    [Fact]
    public async Task Complete_chat_answers_in_the_openai_shape_with_consistent_usage()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("How do I start the platform locally?"), maxTokens: 48);
        body["messages"]!.AsArray().Insert(0, new JsonObject { ["role"] = "system", ["content"] = "You are a helpful assistant." });
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        response.Headers.Contains("X-Request-Id").Should().BeTrue("every reply carries X-Request-Id");
        completion["id"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        completion["object"]!.GetValue<string>().Should().Be("chat.completion");
        completion["created"]!.GetValue<long>().Should().BeInRange(started - 5, started + 300);
        completion["model"]!.GetValue<string>().Should().Be("deepseek-chat");
        completion["system_fingerprint"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();

        var choices = completion["choices"]!.AsArray();
        choices.Should().HaveCount(1);
        choices[0]!["index"]!.GetValue<int>().Should().Be(0);
        choices[0]!["message"]!["role"]!.GetValue<string>().Should().Be("assistant");
        Content(completion).Should().NotBeNullOrWhiteSpace("the built-in model writes text");
        var finish = choices[0]!["finish_reason"]!.GetValue<string>();
        finish.Should().BeOneOf("stop", "length");

        var usage = completion["usage"];
        ShouldBeConsistentUsage(usage);
        var completionTokens = usage!["completion_tokens"]!.GetValue<int>();
        completionTokens.Should().BeInRange(1, 48, "max_tokens caps the reply");
        if (finish == "length")
        {
            completionTokens.Should().Be(48, "finish_reason length means max_tokens was reached");
        }
    }

    [Fact]
    public async Task Max_tokens_one_stops_with_finish_reason_length()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Explain the request workflow of the gateway in detail."), maxTokens: 1);

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["usage"]!["completion_tokens"]!.GetValue<int>().Should().BeLessThanOrEqualTo(1);
        completion["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().BeOneOf("length", "stop");
    }

    [Fact]
    public async Task Deepseek_reasoner_fills_reasoning_content()
    {
        var body = ChatBodies.User("deepseek-reasoner", ChatBodies.FreshQuestion("Why does the gateway cache only reproducible requests?"), maxTokens: 64);

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["model"]!.GetValue<string>().Should().Be("deepseek-reasoner");
        var message = completion["choices"]![0]!["message"]!;
        message["reasoning_content"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace("deepseek-reasoner shows its reasoning");
        message["content"]!.GetValue<string>().Should().NotBeNull();
        ShouldBeConsistentUsage(completion["usage"]);
    }

    [Fact]
    public async Task Deepseek_chat_does_not_fill_reasoning_content()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("What is a model alias?"), maxTokens: 16);

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["choices"]![0]!["message"]!["reasoning_content"].Should().BeNull();
    }

    [Fact]
    public async Task Paths_without_v1_reach_the_same_api()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Hello"), maxTokens: 8);

        using var response = await platform.Http.SendAsync(PlatformFixture.Request(HttpMethod.Post, "/chat/completions", body));
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["object"]!.GetValue<string>().Should().Be("chat.completion");
    }
}
