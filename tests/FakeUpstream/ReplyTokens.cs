using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FakeUpstream;

/// <summary>Word-level "tokens": good enough for a fake, and their concatenation is exactly the text.</summary>
public static partial class ReplyTokens
{
    public static IReadOnlyList<string> Split(string text) =>
        WordWithTrailingSpace().Matches(text).Select(m => m.Value).ToList();

    /// <summary>Counts the words of every message's text content (a string, or the text of content parts).</summary>
    public static int CountPrompt(JsonArray? messages)
    {
        var count = 0;
        foreach (var message in messages ?? [])
        {
            var content = message?["content"];
            if (content is JsonValue value && value.TryGetValue<string>(out var text))
            {
                count += Split(text).Count;
            }
            else if (content is JsonArray parts)
            {
                count += parts.Sum(p => p?["text"] is JsonValue t && t.TryGetValue<string>(out var s) ? Split(s).Count : 0);
            }
        }

        return Math.Max(count, 1);
    }

    [GeneratedRegex(@"\s*\S+\s*")]
    private static partial Regex WordWithTrailingSpace();
}
