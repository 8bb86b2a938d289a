using System.Text.Json;

namespace DeepSeek.Dapr.Contracts.OpenAi;

/// <summary>A complete (non-streamed) chat completion.</summary>
public sealed class ChatCompletion
{
    public required string Id { get; set; }
    public string Object { get; set; } = "chat.completion";
    public long Created { get; set; }
    public required string Model { get; set; }
    public string? SystemFingerprint { get; set; }
    public List<ChatChoice> Choices { get; set; } = [];
    public Usage? Usage { get; set; }
}

public sealed class ChatChoice
{
    public int Index { get; set; }
    public required AssistantMessage Message { get; set; }
    public string? FinishReason { get; set; }
}

public sealed class AssistantMessage
{
    public string Role { get; set; } = "assistant";
    public string? Content { get; set; }
    public string? ReasoningContent { get; set; }
    public JsonElement? ToolCalls { get; set; }
}

/// <summary>Token usage in DeepSeek's shape (OpenAI's fields plus the prompt cache split).</summary>
public sealed class Usage
{
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int TotalTokens { get; set; }
    public int PromptCacheHitTokens { get; set; }
    public int PromptCacheMissTokens { get; set; }
    public CompletionTokensDetails? CompletionTokensDetails { get; set; }
}

public sealed class CompletionTokensDetails
{
    public int ReasoningTokens { get; set; }
}

/// <summary>One SSE event of a streamed completion.</summary>
public sealed class ChatCompletionChunk
{
    public required string Id { get; set; }
    public string Object { get; set; } = "chat.completion.chunk";
    public long Created { get; set; }
    public required string Model { get; set; }
    public string? SystemFingerprint { get; set; }
    public List<ChunkChoice> Choices { get; set; } = [];
    public Usage? Usage { get; set; }
}

public sealed class ChunkChoice
{
    public int Index { get; set; }
    public ChunkDelta Delta { get; set; } = new();
    public string? FinishReason { get; set; }
}

public sealed class ChunkDelta
{
    public string? Role { get; set; }
    public string? Content { get; set; }
    public string? ReasoningContent { get; set; }
    public JsonElement? ToolCalls { get; set; }
}
