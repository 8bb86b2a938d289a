namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Draws next tokens from a <see cref="NGramModel"/>: model probabilities become logits, penalties and the prompt
/// boost are added, then greedy choice or temperature + nucleus (top-p) sampling. One instance per generation; the
/// buffers are reused between steps so a step allocates nothing.
/// </summary>
public sealed class TokenSampler
{
    private const double GreedyTemperature = 1e-6;

    /// <summary>Share of the total weight below which a token is left out of the first, partial nucleus sort.</summary>
    private const double NucleusFloor = 1e-4;

    /// <summary>Caps the summed trigger lift so one strongly tied token cannot override the n-gram entirely.</summary>
    private const double MaxTriggerBonus = 6;

    private readonly NGramModel _model;
    private readonly SamplingOptions _options;
    private readonly Random _random;
    // Dense per-token arrays: a step visits every token, and array reads are far cheaper than hash lookups.
    private readonly double[] _bonus;
    private readonly int[] _generated;
    private readonly double[] _probabilities;
    private readonly double[] _weights;
    private readonly int[] _indices;
    private readonly double[] _keys;

    public TokenSampler(NGramModel model, SamplingOptions options, Random random, IEnumerable<int> promptTokens)
    {
        _model = model;
        _options = options;
        _random = random;
        var prompt = promptTokens.Where(t => !model.IsCommon(t)).ToHashSet();
        _bonus = new double[model.VocabularySize];
        _generated = new int[model.VocabularySize];
        foreach (var token in prompt)
        {
            _bonus[token] += options.PromptBoost;
        }

        if (options.TriggerWeight != 0)
        {
            foreach (var (token, lift) in model.Triggers.Bonus(prompt))
            {
                _bonus[token] += options.TriggerWeight * Math.Min(lift, MaxTriggerBonus);
            }
        }
        _probabilities = new double[model.VocabularySize];
        _weights = new double[model.VocabularySize];
        _indices = new int[model.VocabularySize];
        _keys = new double[model.VocabularySize];
    }

    /// <summary>Chooses the next local token after <paramref name="history"/> and records it for the penalties.</summary>
    public int Next(ReadOnlySpan<int> history)
    {
        var floorWeight = _model.Predict(history, _probabilities);
        var greedy = _options.Temperature < GreedyTemperature;
        var best = -1;
        var bestLogit = double.NegativeInfinity;
        for (var w = 0; w < _probabilities.Length; w++)
        {
            var logit = Logit(w, floorWeight);
            _weights[w] = logit;
            if (logit > bestLogit)
            {
                bestLogit = logit;
                best = w;
            }
        }

        var chosen = greedy ? best : Sample(bestLogit);
        _generated[chosen]++;
        return chosen;
    }

    private double Logit(int w, double floorWeight)
    {
        var p = _probabilities[w];
        var logit = Math.Log(p);
        if (_generated[w] is var count && count > 0)
        {
            logit -= _options.FrequencyPenalty * count + _options.PresencePenalty;
        }

        // Only tokens the n-gram itself proposes here are boosted; otherwise boosts would inject topic words at random.
        if (_bonus[w] != 0 && p > floorWeight * _model.Unigram(w) * 1.000001)
        {
            logit += _bonus[w];
        }

        return logit;
    }

    private int Sample(double maxLogit)
    {
        var inverseTemperature = 1.0 / _options.Temperature;
        var total = 0.0;
        for (var w = 0; w < _weights.Length; w++)
        {
            _weights[w] = Math.Exp((_weights[w] - maxLogit) * inverseTemperature);
            total += _weights[w];
        }

        var count = _weights.Length;
        if (_options.TopP < 1.0)
        {
            count = Nucleus(total, out total);
        }
        else
        {
            for (var w = 0; w < count; w++)
            {
                _indices[w] = w;
            }
        }

        var target = _random.NextDouble() * total;
        var cumulative = 0.0;
        for (var i = 0; i < count; i++)
        {
            cumulative += _weights[_indices[i]];
            if (cumulative > target)
            {
                return _indices[i];
            }
        }

        return _indices[count - 1];
    }

    /// <summary>
    /// Orders tokens by weight and keeps the smallest prefix reaching top_p of the mass; returns its size and mass.
    /// Only tokens above a tiny share of the mass are sorted first: every token left out weighs less than every token
    /// kept, so when those already reach top_p the prefix is exactly the one a full sort would give.
    /// </summary>
    private int Nucleus(double total, out double keptMass)
    {
        var count = Prefix(total, total * NucleusFloor, out keptMass);
        return count > 0 ? count : Prefix(total, 0, out keptMass);
    }

    /// <summary>Sorted prefix over tokens weighing at least <paramref name="floor"/>; 0 when they do not reach top_p.</summary>
    private int Prefix(double total, double floor, out double keptMass)
    {
        var candidates = 0;
        for (var w = 0; w < _weights.Length; w++)
        {
            if (_weights[w] >= floor)
            {
                _keys[candidates] = -_weights[w];
                _indices[candidates] = w;
                candidates++;
            }
        }

        // Primitive-key sort: deterministic for equal input, so seeded runs stay reproducible.
        Array.Sort(_keys, _indices, 0, candidates);
        var threshold = _options.TopP * total;
        keptMass = 0;
        for (var i = 0; i < candidates; i++)
        {
            keptMass += _weights[_indices[i]];
            if (keptMass >= threshold)
            {
                return i + 1;
            }
        }

        return floor > 0 ? 0 : candidates;
    }
}
