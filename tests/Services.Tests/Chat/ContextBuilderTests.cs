using DeepSeek.Dapr.Chat.Context;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Chat;

public sealed class ContextBuilderTests
{
    private static ChatMessage Msg(string role, string text) => new() { Role = role, Content = text };

    private static List<ChatMessage> Conversation(int turns) =>
    [
        Msg("system", "You are a terse assistant for the DeepSeek.Dapr platform."),
        .. Enumerable.Range(1, turns).SelectMany(i => new[]
        {
            Msg("user", $"Question number {i}: how do I configure the platform's component number {i}?"),
            Msg("assistant", $"Answer number {i}: edit the YAML file of component {i} under components/local and restart."),
        }),
        Msg("user", "And the final question: where is the README?"),
    ];

    [Fact]
    public void A_conversation_that_fits_is_returned_whole_with_its_token_count()
    {
        var messages = Conversation(2);

        var result = ContextBuilder.Build([], messages, contextWindow: 4096, reservedOutputTokens: 512).Result!;

        result.Messages.Should().Equal(messages);
        result.Truncated.Should().BeFalse();
        result.PromptTokens.Should().Be(TokenCounter.CountPrompt(messages));
    }

    [Fact]
    public void Truncation_keeps_the_system_prompt_and_drops_the_oldest_turns_first()
    {
        var messages = Conversation(10);
        var full = TokenCounter.CountPrompt(messages);
        var budget = full / 2;

        var result = ContextBuilder.Build([], messages, contextWindow: budget + 100, reservedOutputTokens: 100).Result!;

        result.Truncated.Should().BeTrue();
        result.PromptTokens.Should().BeLessThanOrEqualTo(budget).And.Be(TokenCounter.CountPrompt(result.Messages));
        result.Messages[0].Should().BeSameAs(messages[0]);
        result.Messages[^1].Should().BeSameAs(messages[^1]);
        result.Messages[1].Role.Should().Be("user", "a kept history starts with a question, not an orphaned answer");
        var firstKept = messages.IndexOf(result.Messages[1]);
        result.Messages.Skip(1).Should().Equal(messages.Skip(firstKept), "what is kept is the most recent part of the conversation");
        firstKept.Should().BeGreaterThan(1);
    }

    [Fact]
    public void System_messages_in_the_middle_are_kept_too()
    {
        var messages = Conversation(10);
        messages.Insert(5, Msg("system", "Answer in English."));

        var result = ContextBuilder.Build([], messages, contextWindow: 200, reservedOutputTokens: 0).Result!;

        result.Messages.Where(ContextBuilder.IsSystem).Should().HaveCount(2);
        result.Truncated.Should().BeTrue();
    }

    [Fact]
    public void A_newest_message_that_cannot_fit_is_refused_with_the_numbers()
    {
        var huge = string.Join(' ', Enumerable.Repeat("tokens", 3000));

        var outcome = ContextBuilder.Build([], [Msg("system", "Be brief."), Msg("user", huge)], contextWindow: 2048, reservedOutputTokens: 256);

        outcome.Result.Should().BeNull();
        outcome.Error.Should().Contain("maximum context length is 2048 tokens");
    }

    [Fact]
    public void The_reserved_output_counts_against_the_window()
    {
        var messages = Conversation(0);
        var needed = TokenCounter.CountPrompt(messages);

        ContextBuilder.Build([], messages, contextWindow: needed + 10, reservedOutputTokens: 10).Result.Should().NotBeNull();
        ContextBuilder.Build([], messages, contextWindow: needed + 10, reservedOutputTokens: 11).Error.Should().NotBeNull();
    }

    [Fact]
    public void Stored_history_comes_first_and_a_repeated_system_prompt_is_not_doubled()
    {
        var history = new List<ChatMessage> { Msg("system", "Be brief."), Msg("user", "Hi"), Msg("assistant", "Hello.") };

        var result = ContextBuilder.Build(history, [Msg("system", "Be brief."), Msg("user", "Bye")], 4096, 0).Result!;

        result.Messages.Select(m => (m.Role, m.Content!.Text)).Should().Equal(
            ("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello."), ("user", "Bye"));
    }
}
