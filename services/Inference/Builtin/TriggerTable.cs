namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Question-to-answer trigger pairs (in the spirit of Rosenfeld's trigger language models): how much more often a token
/// appears in answers to questions that contain a given token than in answers overall, as a log lift. An n-gram sees
/// only the last few tokens, so without this an answer would forget the question after its first words; with it,
/// tokens tied to the question's words get a logit bonus wherever the n-gram context already allows them.
/// </summary>
public sealed class TriggerTable
{
    /// <summary>Associations kept per question token: the strongest ones carry the topic, the tail is noise.</summary>
    public const int MaxTargetsPerTrigger = 48;

    private readonly Dictionary<int, (int[] Targets, float[] Weights)> _triggers;

    public TriggerTable(Dictionary<int, (int[] Targets, float[] Weights)> triggers) => _triggers = triggers;

    public static TriggerTable Empty { get; } = new([]);

    public int Count => _triggers.Count;

    internal IReadOnlyDictionary<int, (int[] Targets, float[] Weights)> Entries => _triggers;

    /// <summary>Summed lift of every target over the given (local, uncommon) prompt tokens.</summary>
    public Dictionary<int, double> Bonus(IEnumerable<int> promptTokens)
    {
        var bonus = new Dictionary<int, double>();
        foreach (var trigger in promptTokens.Distinct())
        {
            if (!_triggers.TryGetValue(trigger, out var entry))
            {
                continue;
            }

            for (var i = 0; i < entry.Targets.Length; i++)
            {
                bonus[entry.Targets[i]] = bonus.GetValueOrDefault(entry.Targets[i]) + entry.Weights[i];
            }
        }

        return bonus;
    }

    /// <summary>Learns the table from (question tokens, answer tokens) pairs given as local indices.</summary>
    public static TriggerTable Learn(IReadOnlyList<(int[] Question, int[] Answer)> pairs, Func<int, bool> isCommon)
    {
        if (pairs.Count == 0)
        {
            return Empty;
        }

        var together = new Dictionary<(int, int), int>();
        var questions = new Dictionary<int, int>();
        var answers = new Dictionary<int, int>();
        foreach (var (question, answer) in pairs)
        {
            var q = question.Where(t => !isCommon(t)).Distinct().ToArray();
            var a = answer.Where(t => !isCommon(t)).Distinct().ToArray();
            foreach (var qt in q)
            {
                questions[qt] = questions.GetValueOrDefault(qt) + 1;
                foreach (var at in a)
                {
                    together[(qt, at)] = together.GetValueOrDefault((qt, at)) + 1;
                }
            }

            foreach (var at in a)
            {
                answers[at] = answers.GetValueOrDefault(at) + 1;
            }
        }

        double n = pairs.Count;
        var table = together
            .Select(e => (Trigger: e.Key.Item1, Target: e.Key.Item2, Count: e.Value,
                Lift: Math.Log(e.Value * n / ((double)questions[e.Key.Item1] * answers[e.Key.Item2]))))
            .Where(e => e.Lift > 0)
            .GroupBy(e => e.Trigger)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    // A pair seen once is weak evidence: count/(count+1) discounts it.
                    var top = g.Select(e => (e.Target, Weight: (float)(e.Lift * e.Count / (e.Count + 1.0))))
                        .OrderByDescending(e => e.Weight).ThenBy(e => e.Target)
                        .Take(MaxTargetsPerTrigger)
                        .OrderBy(e => e.Target)
                        .ToArray();
                    return (top.Select(e => e.Target).ToArray(), top.Select(e => e.Weight).ToArray());
                });
        return new TriggerTable(table);
    }
}
