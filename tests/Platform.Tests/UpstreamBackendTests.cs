using System.Net;
using System.Text.Json.Nodes;
using FakeUpstream;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>
/// The OpenAI-compatible upstream backend against the fake server: <c>fake-upstream</c> speaks OpenAI's stream style
/// and is reached through an HTTPEndpoint resource; <c>fake-upstream-deepseek</c> speaks DeepSeek's and is reached by URL.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class UpstreamBackendTests(PlatformFixture platform)
{
    public static TheoryData<string> UpstreamModels => new() { PlatformFixture.FakeModel, PlatformFixture.FakeDeepSeekModel };

    [Theory]
    [MemberData(nameof(UpstreamModels))]
    public async Task Complete_chat_returns_the_upstream_reply_and_sends_the_upstream_model_and_messages(string model)
    {
        var question = ChatBodies.FreshQuestion("Hello upstream");
        var body = ChatBodies.User(model, question, maxTokens: 64);
        body["messages"]!.AsArray().Insert(0, new JsonObject { ["role"] = "system", ["content"] = "Be brief." });

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["model"]!.GetValue<string>().Should().Be(model);
        Content(completion).Should().Be(FakeUpstreamOptions.DefaultReply);
        completion["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("stop");
        ShouldBeConsistentUsage(completion["usage"]);

        var sent = SentUpstream(model, question);
        sent.Stream.Should().BeFalse();
        ShouldCarryTheConversation(sent, question);
    }

    [Theory]
    [MemberData(nameof(UpstreamModels))]
    public async Task Streamed_chat_relays_the_upstream_stream_in_openai_style(string model)
    {
        var question = ChatBodies.FreshQuestion("Stream from upstream");
        var body = ChatBodies.Streamed(ChatBodies.User(model, question, maxTokens: 64), includeUsage: true);

        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var transcript = StreamTranscript.From(await SseEvent.ReadAllAsync(response));

        transcript.Content.Should().Be(FakeUpstreamOptions.DefaultReply, "every token of the upstream reaches the client, keep-alive comments skipped");
        transcript.ChoiceChunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>().Should().Be("assistant");
        transcript.FinishReasons.Should().Equal("stop");
        var usageChunk = transcript.UsageChunks.Should().ContainSingle("whatever the upstream's style, the client gets OpenAI's usage chunk").Subject;
        usageChunk["choices"]!.AsArray().Should().BeEmpty();
        ShouldBeConsistentUsage(usageChunk["usage"]);
        transcript.EndsWithDone.Should().BeTrue();

        var sent = SentUpstream(model, question);
        sent.Stream.Should().BeTrue();
        ShouldCarryTheConversation(sent, question);
    }

    [Fact]
    public async Task Max_tokens_reaches_the_upstream_and_its_length_finish_comes_back()
    {
        var question = ChatBodies.FreshQuestion("Short please");

        using var response = await platform.PostChatAsync(ChatBodies.User(PlatformFixture.FakeModel, question, maxTokens: 3));
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);

        completion["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
        Content(completion).Should().Be("Hello from the ");
        SentUpstream(PlatformFixture.FakeModel, question).Body!["max_tokens"]!.GetValue<int>().Should().Be(3);
    }

    private ReceivedRequest SentUpstream(string model, string question)
    {
        var upstream = model == PlatformFixture.FakeModel ? platform.UpstreamOpenAi : platform.UpstreamDeepSeek;
        var sent = upstream.Received.Where(r => r.Body?.ToJsonString().Contains(question, StringComparison.Ordinal) == true).ToList();
        sent.Should().ContainSingle("the upstream gets exactly one request per client request");
        sent[0].Path.Should().Be("/v1/chat/completions");
        return sent[0];
    }

    private static void ShouldCarryTheConversation(ReceivedRequest sent, string question)
    {
        sent.Model.Should().Be(PlatformFixture.FakeUpstreamModelName, "the upstream gets its own model name, not the public id");
        var messages = sent.Body!["messages"]!.AsArray();
        messages[^1]!["role"]!.GetValue<string>().Should().Be("user");
        messages[^1]!["content"]!.GetValue<string>().Should().Be(question);
        sent.Authorization.Should().NotContain(PlatformFixture.ApiKey, "the client's API key must never leak to an upstream");
    }
}
