namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Packs up to six local token indices (21 bits each) into one 128-bit hash key, so n-gram tables are plain
/// dictionaries without per-entry arrays. Indices are stored +1 so that a leading index 0 still changes the key.
/// </summary>
internal static class NGramKey
{
    public const int BitsPerToken = 21;
    public const int MaxTokens = 128 / BitsPerToken;
    public const int MaxVocabulary = (1 << BitsPerToken) - 1;

    public static UInt128 Pack(ReadOnlySpan<int> tokens)
    {
        UInt128 key = 0;
        foreach (var token in tokens)
        {
            key = (key << BitsPerToken) | (uint)(token + 1);
        }

        return key;
    }
}
