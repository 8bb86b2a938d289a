using System.Text.Json;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Inference.Backends;

/// <summary>
/// One step of a streamed generation: a piece of answer text, of reasoning text, raw tool-call deltas (passed through
/// as the upstream sent them), the finish reason, or the usage. Several fields may be set at once.
/// </summary>
public sealed record BackendUpdate(
    string? Content = null,
    string? Reasoning = null,
    JsonElement? ToolCalls = null,
    string? FinishReason = null,
    Usage? Usage = null);

/// <summary>A finished, non-streamed generation.</summary>
public sealed record BackendCompletion(AssistantMessage Message, string FinishReason, Usage Usage);

/// <summary>OpenAI <c>finish_reason</c> values.</summary>
public static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";
}
