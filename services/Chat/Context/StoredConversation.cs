using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Chat.Context;

/// <summary>A conversation's messages as kept in <c>chat-db</c> under <c>conv:&lt;id&gt;</c>.</summary>
public sealed record StoredConversation(List<ChatMessage> Messages, DateTimeOffset UpdatedAt)
{
    public static string StateKey(string conversationId) => $"conv:{conversationId}";
}
