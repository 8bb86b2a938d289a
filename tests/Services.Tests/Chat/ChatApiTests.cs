using System.Net;
using System.Net.Http.Json;
using System.Text;
using DeepSeek.Dapr.Chat.Context;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Services.Tests.Users.Support;

namespace Services.Tests.Chat;

/// <summary>The chat app in-process on its real sidecar and chat-db.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class ChatApiTests(LocalSidecars sidecars) : SidecarAppTests<ConversationStore>(sidecars, AppIds.Chat)
{

    private static ChatMessage Msg(string role, string text) => new() { Role = role, Content = text };

    [Fact]
    public async Task A_stored_turn_is_prepended_to_the_next_request_of_the_conversation()
    {
        var id = "api-" + Guid.NewGuid().ToString("n");
        var turn = await Client.PostAsJsonAsync($"/internal/conversations/{id}/turns",
            new ConversationTurn([Msg("system", "Be brief."), Msg("user", "My name is Ada.")], Msg("assistant", "Hello Ada.")), ContractsJsonContext.Default.ConversationTurn);
        turn.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var reply = await Client.PostAsJsonAsync("/internal/context",
            new ContextRequest(id, [Msg("system", "Be brief."), Msg("user", "What is my name?")], 4096, 512), ContractsJsonContext.Default.ContextRequest);
        var context = (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ContextResult))!;

        context.Messages.Select(m => m.Content!.Text).Should().Equal("Be brief.", "My name is Ada.", "Hello Ada.", "What is my name?");
        context.Truncated.Should().BeFalse();
    }

    [Fact]
    public async Task Too_long_is_400_context_length_exceeded_and_bad_ids_are_400()
    {
        var tooLong = await Client.PostAsJsonAsync("/internal/context",
            new ContextRequest(null, [Msg("user", string.Join(' ', Enumerable.Repeat("word", 500)))], 256, 64), ContractsJsonContext.Default.ContextRequest);
        var badId = await Client.PostAsync("/internal/conversations/bad%20id!/turns",
            new StringContent("""{"new_messages":[],"reply":{"role":"assistant","content":"x"}}""", Encoding.UTF8, "application/json"));

        tooLong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await tooLong.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!;
        error.Error.Code.Should().Be("context_length_exceeded");
        error.Error.Type.Should().Be(ErrorTypes.InvalidRequest);
        badId.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badId.Content.ReadAsStringAsync()).Should().Contain("conversation_id");
    }
}
