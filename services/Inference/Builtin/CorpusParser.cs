using Microsoft.ML.Tokenizers;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Reads corpus text into training sequences. Blocks are separated by blank lines. A block that starts with
/// <c>&lt;|user|&gt;</c> is a chat turn: <c>&lt;|user|&gt;question &lt;|think|&gt;reasoning &lt;|assistant|&gt;answer
/// &lt;|end|&gt;</c> (reasoning optional); a turn with reasoning is also learned without it, so the chat model and the
/// reasoner share one set of answers. Any other block is a documentation paragraph, learned as plain text.
/// </summary>
public sealed class CorpusParser(Tokenizer tokenizer)
{
    private const string UserMarker = "<|user|>";
    private const string ThinkMarker = "<|think|>";
    private const string AssistantMarker = "<|assistant|>";
    private const string EndMarker = "<|end|>";

    public IEnumerable<int[]> Parse(string text)
    {
        foreach (var block in SplitBlocks(text))
        {
            if (!block.StartsWith(UserMarker, StringComparison.Ordinal))
            {
                yield return Encode(block);
                continue;
            }

            var turn = ParseTurn(block);
            if (turn is null)
            {
                continue;
            }

            var (question, reasoning, answer) = turn.Value;
            if (reasoning is not null)
            {
                yield return [SpecialTokens.User, .. Encode(question), SpecialTokens.Think, .. Encode(reasoning), SpecialTokens.Assistant, .. Encode(answer)];
            }

            yield return [SpecialTokens.User, .. Encode(question), SpecialTokens.Assistant, .. Encode(answer)];
        }
    }

    private int[] Encode(string text) => tokenizer.EncodeToIds(text).ToArray();

    private static (string Question, string? Reasoning, string Answer)? ParseTurn(string block)
    {
        var body = block[UserMarker.Length..];
        var end = body.IndexOf(EndMarker, StringComparison.Ordinal);
        if (end >= 0)
        {
            body = body[..end];
        }

        var assistant = body.IndexOf(AssistantMarker, StringComparison.Ordinal);
        if (assistant < 0)
        {
            return null;
        }

        var answer = body[(assistant + AssistantMarker.Length)..].Trim();
        var head = body[..assistant];
        var think = head.IndexOf(ThinkMarker, StringComparison.Ordinal);
        var question = (think >= 0 ? head[..think] : head).Trim();
        var reasoning = think >= 0 ? head[(think + ThinkMarker.Length)..].Trim() : null;
        return question.Length == 0 || answer.Length == 0 ? null : (question, reasoning, answer);
    }

    private static IEnumerable<string> SplitBlocks(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var block in normalized.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Lines starting with '#!' are the corpus files' own comments (provenance, format), not training text.
            var lines = block.Split('\n').Where(l => !l.StartsWith("#!", StringComparison.Ordinal));
            var cleaned = string.Join('\n', lines).Trim();
            if (cleaned.Length > 0)
            {
                yield return cleaned;
            }
        }
    }
}
