namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Role markers of the built-in model. They live outside the tokenizer's id range so that no text can ever produce
/// them: the corpus writes them as literal markers, and the trainer and prompt builder insert the ids directly.
/// </summary>
public static class SpecialTokens
{
    public const int First = 1_000_000;

    /// <summary>Starts a user turn.</summary>
    public const int User = First;

    /// <summary>Starts the assistant's answer; generation for <c>deepseek-chat</c> begins right after it.</summary>
    public const int Assistant = First + 1;

    /// <summary>Starts the reasoning text of <c>deepseek-reasoner</c>; ends where <see cref="Assistant"/> follows.</summary>
    public const int Think = First + 2;

    /// <summary>Ends a document or an answer; also pads the start of every training sequence.</summary>
    public const int End = First + 3;

    public static readonly IReadOnlyDictionary<string, int> Markers = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["<|user|>"] = User,
        ["<|assistant|>"] = Assistant,
        ["<|think|>"] = Think,
        ["<|end|>"] = End,
    };

    public static bool IsSpecial(int tokenId) => tokenId >= First;
}
