using System.Text;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>Builds the complete reply out of the chunks of a stream, so a streamed answer can be cached and billed like any other.</summary>
public sealed class StreamAssembler
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private ChatCompletionChunk? _first;
    private string? _finishReason;
    private bool _toolCalls;

    public Usage? Usage { get; private set; }
    public bool HasContent => _first is not null;

    public void Add(ChatCompletionChunk chunk)
    {
        _first ??= chunk;
        if (chunk.Usage is not null)
        {
            Usage = chunk.Usage;
        }

        foreach (var choice in chunk.Choices)
        {
            _content.Append(choice.Delta.Content);
            _reasoning.Append(choice.Delta.ReasoningContent);
            _toolCalls |= choice.Delta.ToolCalls is not null;
            _finishReason = choice.FinishReason ?? _finishReason;
        }
    }

    /// <summary>The reply so far; null when no chunk arrived. Tool call deltas are fragments, so a reply with tool calls keeps no tool_calls here (and is never cached).</summary>
    public ChatCompletion? ToCompletion()
    {
        if (_first is null)
        {
            return null;
        }

        return new ChatCompletion
        {
            Id = _first.Id,
            Created = _first.Created,
            Model = _first.Model,
            SystemFingerprint = _first.SystemFingerprint,
            Choices =
            [
                new ChatChoice
                {
                    Index = 0,
                    Message = new AssistantMessage
                    {
                        Content = _content.ToString(),
                        ReasoningContent = _reasoning.Length > 0 ? _reasoning.ToString() : null,
                    },
                    FinishReason = _toolCalls ? "tool_calls" : _finishReason,
                },
            ],
            Usage = Usage,
        };
    }
}
