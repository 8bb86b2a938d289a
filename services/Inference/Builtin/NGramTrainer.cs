namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Counts n-grams over token sequences and builds a <see cref="NGramModel"/>. Each sequence is padded with
/// <see cref="SpecialTokens.End"/> on the left (so the first tokens have full contexts) and closed with one
/// <see cref="SpecialTokens.End"/>, which is how the model learns where an answer stops.
/// </summary>
public static class NGramTrainer
{
    public static NGramModel Train(IEnumerable<int[]> sequences, int order, string corpusHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, NGramKey.MaxTokens);

        var padded = sequences.Select(s => Pad(s, order)).ToList();
        // Markers are always in the vocabulary so prompts can use them even if a small corpus never does.
        var vocabulary = padded.SelectMany(s => s).Concat(SpecialTokens.Markers.Values).Distinct().Order().ToArray();
        if (vocabulary.Length > NGramKey.MaxVocabulary)
        {
            throw new InvalidOperationException($"vocabulary of {vocabulary.Length} tokens exceeds {NGramKey.MaxVocabulary}");
        }

        var local = new Dictionary<int, int>(vocabulary.Length);
        for (var i = 0; i < vocabulary.Length; i++)
        {
            local[vocabulary[i]] = i;
        }

        // counts[k]: context of length k → next token → count. k = order-1 holds raw counts, lower k continuation counts.
        var counts = new Dictionary<UInt128, (int[] Context, Dictionary<int, int> Next)>[order];
        for (var k = 0; k < order; k++)
        {
            counts[k] = [];
        }

        var seen = new HashSet<UInt128>[order + 1];
        for (var m = 2; m <= order; m++)
        {
            seen[m] = [];
        }

        foreach (var sequence in padded)
        {
            var ids = sequence.Select(t => local[t]).ToArray();
            for (var i = order - 1; i < ids.Length; i++)
            {
                Increment(counts[order - 1], ids.AsSpan(i - order + 1, order - 1), ids[i]);
                for (var m = 2; m <= order; m++)
                {
                    // A continuation count rises once per distinct left neighbour of the shorter n-gram.
                    if (seen[m].Add(NGramKey.Pack(ids.AsSpan(i - m + 1, m))))
                    {
                        Increment(counts[m - 2], ids.AsSpan(i - m + 2, m - 2), ids[i]);
                    }
                }
            }
        }

        var levels = new Dictionary<UInt128, ContextStats>[order];
        var discounts = new double[order];
        for (var k = 0; k < order; k++)
        {
            discounts[k] = EstimateDiscount(counts[k].Values.SelectMany(v => v.Next.Values));
            levels[k] = counts[k].ToDictionary(
                e => e.Key,
                e =>
                {
                    var next = e.Value.Next.OrderBy(p => p.Key).ToArray();
                    return new ContextStats(e.Value.Context, next.Select(p => p.Key).ToArray(), next.Select(p => p.Value).ToArray());
                });
        }

        var unigram = new int[vocabulary.Length];
        if (levels[0].TryGetValue(NGramKey.Pack([]), out var root))
        {
            for (var i = 0; i < root.Next.Length; i++)
            {
                unigram[root.Next[i]] = root.Counts[i];
            }
        }

        levels[0] = [];
        var common = NGramModel.CommonTokens(vocabulary, unigram);
        var triggers = TriggerTable.Learn(QuestionAnswerPairs(padded, local), common.Contains);
        return new NGramModel(order, vocabulary, discounts, unigram, levels, corpusHash, triggers);
    }

    /// <summary>
    /// (question, reasoning + answer) token pairs of every chat turn, once each: a turn with reasoning is also trained
    /// without it, and that copy must not count twice.
    /// </summary>
    private static List<(int[] Question, int[] Answer)> QuestionAnswerPairs(List<int[]> padded, Dictionary<int, int> local)
    {
        var pairs = new List<(int[], int[])>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sequence in padded)
        {
            var user = Array.IndexOf(sequence, SpecialTokens.User);
            var assistant = Array.IndexOf(sequence, SpecialTokens.Assistant);
            if (user < 0 || assistant < user)
            {
                continue;
            }

            var think = Array.IndexOf(sequence, SpecialTokens.Think, user, assistant - user);
            var questionEnd = think >= 0 ? think : assistant;
            var question = sequence[(user + 1)..questionEnd];
            var answer = sequence[(assistant + 1)..^1];
            if (!seen.Add(string.Join(',', question) + "|" + string.Join(',', answer)))
            {
                continue;
            }

            var target = think >= 0 ? sequence[(think + 1)..assistant].Concat(answer) : answer;
            pairs.Add((question.Select(t => local[t]).ToArray(), target.Select(t => local[t]).ToArray()));
        }

        return pairs;
    }

    private static int[] Pad(int[] sequence, int order)
    {
        var padded = new int[order - 1 + sequence.Length + 1];
        Array.Fill(padded, SpecialTokens.End, 0, order - 1);
        sequence.CopyTo(padded, order - 1);
        padded[^1] = SpecialTokens.End;
        return padded;
    }

    private static void Increment(Dictionary<UInt128, (int[] Context, Dictionary<int, int> Next)> table, ReadOnlySpan<int> context, int next)
    {
        var key = NGramKey.Pack(context);
        if (!table.TryGetValue(key, out var entry))
        {
            entry = (context.ToArray(), []);
            table[key] = entry;
        }

        entry.Next[next] = entry.Next.GetValueOrDefault(next) + 1;
    }

    /// <summary>Ney's absolute discount D = n1 / (n1 + 2·n2), from how many n-grams occur once and twice.</summary>
    private static double EstimateDiscount(IEnumerable<int> counts)
    {
        long n1 = 0, n2 = 0;
        foreach (var c in counts)
        {
            if (c == 1)
            {
                n1++;
            }
            else if (c == 2)
            {
                n2++;
            }
        }

        return n1 == 0 || n2 == 0 ? 0.5 : Math.Clamp((double)n1 / (n1 + 2 * n2), 0.1, 0.95);
    }
}
