using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.ML.Tokenizers;

namespace DeepSeek.Dapr.ServiceDefaults.Tokens;

/// <summary>
/// Counts tokens with a real BPE tokenizer (tiktoken o200k_base), so quotas, truncation and usage agree across
/// services. The tokenizer is thread-safe and expensive to build, hence one shared instance.
/// </summary>
public static class TokenCounter
{
    /// <summary>Per-message framing overhead (role and separators), as OpenAI's chat format counts it.</summary>
    public const int TokensPerMessage = 3;

    /// <summary>Every reply is primed with an assistant header.</summary>
    public const int TokensPerReply = 3;

    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static Tokenizer Tokenizer => Shared.Value;

    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.CountTokens(text);

    public static int CountMessage(ChatMessage message) =>
        TokensPerMessage + Count(message.Role) + Count(message.Content?.Text) + Count(message.Name) + Count(message.ReasoningContent);

    public static int CountPrompt(IEnumerable<ChatMessage> messages) => messages.Sum(CountMessage) + TokensPerReply;
}
