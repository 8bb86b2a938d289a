namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>What follows one context: the distinct next tokens (local indices) and how often each was seen.</summary>
internal sealed class ContextStats(int[] context, int[] next, int[] counts)
{
    public int[] Context { get; } = context;
    public int[] Next { get; } = next;
    public int[] Counts { get; } = counts;
    public int Total { get; } = counts.Sum();
}

/// <summary>
/// An interpolated Kneser-Ney n-gram language model over BPE token ids. The highest order uses raw counts,
/// lower orders use continuation counts (how many distinct tokens precede an n-gram), and every level interpolates
/// with the one below, down to a continuation unigram mixed with a uniform floor, so every token of the vocabulary
/// keeps a non-zero probability. Immutable after construction, hence safe to share between requests.
/// </summary>
public sealed class NGramModel
{
    private readonly Dictionary<int, int> _localIndex;
    private readonly Dictionary<UInt128, ContextStats>[] _levels;
    private readonly double[] _unigram;
    private readonly HashSet<int> _common;

    internal NGramModel(
        int order, int[] vocabulary, double[] discounts, int[] unigramCounts, Dictionary<UInt128, ContextStats>[] levels, string corpusHash, TriggerTable? triggers = null)
    {
        if (order < 2 || order > NGramKey.MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"order must be between 2 and {NGramKey.MaxTokens}");
        }

        Order = order;
        Vocabulary = vocabulary;
        Discounts = discounts;
        UnigramCounts = unigramCounts;
        _levels = levels;
        CorpusHash = corpusHash;
        Triggers = triggers ?? TriggerTable.Empty;
        _localIndex = new Dictionary<int, int>(vocabulary.Length);
        for (var i = 0; i < vocabulary.Length; i++)
        {
            _localIndex[vocabulary[i]] = i;
        }

        _unigram = BuildUnigram(unigramCounts, discounts[0]);
        _common = CommonTokens(vocabulary, unigramCounts);
    }

    /// <summary>How many of the most widespread tokens count as function words (the, to, a, punctuation).</summary>
    private const int CommonTokenCount = 64;

    public int Order { get; }

    /// <summary>Question-to-answer associations that keep an answer on the question's topic.</summary>
    public TriggerTable Triggers { get; }

    /// <summary>Local index → token id (tokenizer id, or a <see cref="SpecialTokens"/> id).</summary>
    public int[] Vocabulary { get; }

    public int VocabularySize => Vocabulary.Length;

    /// <summary>SHA-256 of the corpus the model was trained on; a changed corpus means retraining.</summary>
    public string CorpusHash { get; }

    internal double[] Discounts { get; }
    internal int[] UnigramCounts { get; }
    internal IReadOnlyList<Dictionary<UInt128, ContextStats>> Levels => _levels;

    public int ContextCount => _levels.Skip(1).Sum(l => l.Count);

    /// <summary>A marker or one of the most widespread tokens: carries no topic.</summary>
    public bool IsCommon(int local) => _common.Contains(local);

    public bool TryGetLocal(int tokenId, out int local) => _localIndex.TryGetValue(tokenId, out local);

    public int LocalOf(int tokenId) =>
        _localIndex.TryGetValue(tokenId, out var local) ? local : throw new KeyNotFoundException($"token {tokenId} is not in the model's vocabulary");

    /// <summary>
    /// Fills <paramref name="probabilities"/> (length <see cref="VocabularySize"/>) with P(next | history) and returns
    /// the weight left for the unigram floor: a token whose probability exceeds that weight times its unigram
    /// probability is supported by a real n-gram of the corpus.
    /// </summary>
    public double Predict(ReadOnlySpan<int> history, Span<double> probabilities)
    {
        probabilities.Clear();
        var coefficient = 1.0;
        var longest = Math.Min(Order - 1, history.Length);
        for (var k = longest; k >= 1; k--)
        {
            // An unseen context contributes nothing and passes all its weight down, as in interpolated Kneser-Ney.
            if (!_levels[k].TryGetValue(NGramKey.Pack(history[^k..]), out var stats))
            {
                continue;
            }

            var discount = Discounts[k];
            var scale = coefficient / stats.Total;
            for (var i = 0; i < stats.Next.Length; i++)
            {
                probabilities[stats.Next[i]] += scale * Math.Max(stats.Counts[i] - discount, 0);
            }

            coefficient *= discount * stats.Next.Length / stats.Total;
        }

        for (var w = 0; w < _unigram.Length; w++)
        {
            probabilities[w] += coefficient * _unigram[w];
        }

        return coefficient;
    }

    /// <summary>The unigram floor probability of a local token (what <see cref="Predict"/> adds per unit of leftover weight).</summary>
    public double Unigram(int local) => _unigram[local];

    /// <summary>P(token | history) for one token id; for tests and perplexity checks.</summary>
    public double Probability(ReadOnlySpan<int> historyLocal, int tokenId)
    {
        var probabilities = new double[VocabularySize];
        Predict(historyLocal, probabilities);
        return _localIndex.TryGetValue(tokenId, out var local) ? probabilities[local] : 0;
    }

    /// <summary>Markers and the most widespread tokens (by continuation count), which carry no topic.</summary>
    internal static HashSet<int> CommonTokens(int[] vocabulary, int[] unigramCounts) =>
        Enumerable.Range(0, vocabulary.Length)
            .OrderByDescending(i => unigramCounts[i]).ThenBy(i => i)
            .Take(CommonTokenCount)
            .Concat(Enumerable.Range(0, vocabulary.Length).Where(i => SpecialTokens.IsSpecial(vocabulary[i])))
            .ToHashSet();

    private static double[] BuildUnigram(int[] continuationCounts, double discount)
    {
        var total = continuationCounts.Sum(c => (double)c);
        var types = continuationCounts.Count(c => c > 0);
        var unigram = new double[continuationCounts.Length];
        if (total <= 0)
        {
            Array.Fill(unigram, 1.0 / unigram.Length);
            return unigram;
        }

        var floor = discount * types / total / unigram.Length;
        for (var w = 0; w < unigram.Length; w++)
        {
            unigram[w] = Math.Max(continuationCounts[w] - discount, 0) / total + floor;
        }

        return unigram;
    }
}
