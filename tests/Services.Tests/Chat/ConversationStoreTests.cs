using DeepSeek.Dapr.Chat.Context;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.Extensions.Options;
using Services.Tests.Users.Support;

namespace Services.Tests.Chat;

/// <summary>Conversation storage against the real chat-db (SQLite) behind a local sidecar.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class ConversationStoreTests(LocalSidecars sidecars)
{
    private ConversationStore Store(int max = 200) =>
        new(sidecars.Store(AppIds.Chat), Options.Create(new ChatOptions { MaxStoredMessages = max }), TimeProvider.System);

    private static ChatMessage Msg(string role, string text) => new() { Role = role, Content = text };

    [Fact]
    public async Task Concurrent_turns_are_all_stored()
    {
        var id = "conv-" + Guid.NewGuid().ToString("n");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Store().AppendAsync(id, [Msg("user", $"q{i}")], Msg("assistant", $"a{i}"), default)));

        var stored = await Store().LoadAsync(id, default);
        stored.Should().HaveCount(20);
        stored.Where(m => m.Role == "user").Select(m => m.Content!.Text).Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => $"q{i}"));
    }

    [Fact]
    public async Task History_round_trips_content_parts_and_is_capped_keeping_system_messages()
    {
        var id = "conv-" + Guid.NewGuid().ToString("n");
        var parts = System.Text.Json.JsonDocument.Parse("""[{"type":"text","text":"part one"}]""").RootElement;
        await Store(max: 4).AppendAsync(id, [Msg("system", "sys"), new ChatMessage { Role = "user", Content = MessageContent.FromParts(parts) }], Msg("assistant", "r1"), default);

        var first = await Store().LoadAsync(id, default);
        first[1].Content!.Parts.Should().NotBeNull();
        first[1].Content!.Text.Should().Be("part one");

        await Store(max: 4).AppendAsync(id, [Msg("system", "sys"), Msg("user", "q2")], Msg("assistant", "r2"), default);

        var capped = await Store().LoadAsync(id, default);
        capped.Select(m => (m.Role, m.Content!.Text)).Should().Equal(("system", "sys"), ("assistant", "r1"), ("user", "q2"), ("assistant", "r2"));
    }

    [Fact]
    public async Task Unknown_conversation_has_no_history()
    {
        (await Store().LoadAsync("never-" + Guid.NewGuid().ToString("n"), default)).Should().BeEmpty();
    }
}
