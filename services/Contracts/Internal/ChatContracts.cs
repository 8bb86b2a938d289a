using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>
/// <c>POST /internal/context</c> on <c>chat</c>: prepend the stored history of <see cref="ConversationId"/> (if any)
/// and truncate to fit <see cref="ContextWindow"/> minus <see cref="ReservedOutputTokens"/>, keeping system prompts.
/// </summary>
public sealed record ContextRequest(
    string? ConversationId,
    IReadOnlyList<ChatMessage> Messages,
    int ContextWindow,
    int ReservedOutputTokens);

public sealed record ContextResult(IReadOnlyList<ChatMessage> Messages, int PromptTokens, bool Truncated);

/// <summary><c>POST /internal/conversations/{id}/turns</c> on <c>chat</c>: append a finished turn.</summary>
public sealed record ConversationTurn(IReadOnlyList<ChatMessage> NewMessages, ChatMessage Reply);
