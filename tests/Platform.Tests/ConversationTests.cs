using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>The <c>conversation_id</c> extension: chat stores each turn and loads the history into the next prompt.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ConversationTests(PlatformFixture platform)
{
    private const string LongFirstTurn =
        "My name is Ada and I run the platform on a small laptop with two cores. I use the local profile with SQLite " +
        "state stores, the in-memory pub/sub and the file secret store, and I want to know how the gateway decides " +
        "when a cached answer can be reused for a request like this one.";

    private const string SecondTurn = "What is my name?";

    [Fact]
    public async Task The_second_turn_of_a_conversation_carries_the_first_turn_in_its_prompt()
    {
        var conversation = $"conv-{Guid.NewGuid():N}";

        var first = await ChatAsync(LongFirstTurn, conversation);
        var second = await ChatAsync(SecondTurn, conversation);
        var alone = await ChatAsync(SecondTurn, conversationId: null);

        var firstPrompt = PromptTokens(first);
        var secondPrompt = PromptTokens(second);
        var alonePrompt = PromptTokens(alone);
        secondPrompt.Should().BeGreaterThan(firstPrompt, "turn 2's prompt holds turn 1's question and answer plus its own question");
        secondPrompt.Should().BeGreaterThan(alonePrompt + first["usage"]!["completion_tokens"]!.GetValue<int>() / 2,
            "the history (turn 1's long question and its reply) was loaded into the prompt");
    }

    [Fact]
    public async Task Separate_conversations_do_not_share_history()
    {
        await ChatAsync(LongFirstTurn, $"conv-{Guid.NewGuid():N}");

        var other = await ChatAsync(SecondTurn, $"conv-{Guid.NewGuid():N}");
        var alone = await ChatAsync(SecondTurn, conversationId: null);

        PromptTokens(other).Should().Be(PromptTokens(alone), "a new conversation starts empty");
    }

    private async Task<JsonNode> ChatAsync(string content, string? conversationId)
    {
        var body = ChatBodies.User("deepseek-chat", content, maxTokens: 24);
        if (conversationId is not null)
        {
            body["conversation_id"] = conversationId;
        }

        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);
        ShouldBeConsistentUsage(completion["usage"]);
        return completion;
    }

    private static int PromptTokens(JsonNode completion) => completion["usage"]!["prompt_tokens"]!.GetValue<int>();
}
