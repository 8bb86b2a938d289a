namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Applies OpenAI <c>stop</c> sequences to streamed text: text is released only once it cannot be the start of a
/// stop sequence, and generation ends right before the first complete match, which is never emitted.
/// </summary>
public sealed class StopSequenceFilter(IReadOnlyList<string> stops)
{
    private readonly string[] _stops = stops.Where(s => s.Length > 0).ToArray();
    private string _held = string.Empty;

    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns what may be emitted now.</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        var pending = _held + text;
        var match = FirstMatch(pending);
        if (match >= 0)
        {
            Stopped = true;
            _held = string.Empty;
            return pending[..match];
        }

        var keep = LongestPartialSuffix(pending);
        _held = pending[^keep..];
        return pending[..^keep];
    }

    /// <summary>Releases text held back as a possible stop prefix once generation ended without a match.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = string.Empty;
        return Stopped ? string.Empty : rest;
    }

    private int FirstMatch(string text)
    {
        var first = -1;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    private int LongestPartialSuffix(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
