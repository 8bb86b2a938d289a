using Microsoft.ML.Tokenizers;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Turns generated token ids into text one token at a time. A BPE token can hold part of a multi-byte UTF-8
/// character, which decodes to U+FFFD on its own; such tokens are held back and decoded together with the tokens that
/// complete the character. Bytes that never form a character (at most <see cref="MaxHeldTokens"/> tokens) are dropped,
/// so the stream never carries a broken or replacement character.
/// </summary>
public sealed class TokenTextDecoder(Tokenizer tokenizer)
{
    /// <summary>A UTF-8 character has at most 4 bytes, so 4 tokens always complete one if they ever will.</summary>
    private const int MaxHeldTokens = 4;

    private const char Replacement = '\uFFFD';

    private readonly List<int> _held = [];

    public string Append(int tokenId)
    {
        if (SpecialTokens.IsSpecial(tokenId))
        {
            return string.Empty;
        }

        _held.Add(tokenId);
        var text = tokenizer.Decode(_held);
        if (text.Length > 0 && text[^1] == Replacement && _held.Count < MaxHeldTokens)
        {
            return string.Empty;
        }

        _held.Clear();
        return text.Contains(Replacement, StringComparison.Ordinal) ? text.Replace(Replacement.ToString(), string.Empty, StringComparison.Ordinal) : text;
    }
}
