using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace DeepSeek.Dapr.Chat.Context;

/// <summary>Either the context to send to the model, or why none fits.</summary>
public sealed record ContextOutcome(ContextResult? Result, string? Error)
{
    public static ContextOutcome Fits(ContextResult result) => new(result, null);
    public static ContextOutcome TooLong(string error) => new(null, error);
}

/// <summary>
/// Joins stored history and new messages and truncates them to the budget (context window minus the tokens reserved
/// for the reply), counting with the shared BPE <see cref="TokenCounter"/>. Every system message is kept; the oldest
/// other messages go first; the newest message is never dropped: when it cannot fit, the request is refused.
/// </summary>
public static class ContextBuilder
{
    public const string SystemRole = "system";

    public static ContextOutcome Build(IReadOnlyList<ChatMessage> history, IReadOnlyList<ChatMessage> messages, int contextWindow, int reservedOutputTokens)
    {
        var all = Merge(history, messages);
        var budget = contextWindow - Math.Max(reservedOutputTokens, 0);
        var counts = all.Select(TokenCounter.CountMessage).ToArray();
        var newest = all.Count - 1;

        var keep = new bool[all.Count];
        var mandatory = TokenCounter.TokensPerReply;
        for (var i = 0; i < all.Count; i++)
        {
            if (IsSystem(all[i]) || i == newest)
            {
                keep[i] = true;
                mandatory += counts[i];
            }
        }

        if (mandatory > budget)
        {
            return ContextOutcome.TooLong(
                $"This model's maximum context length is {contextWindow} tokens. However, you requested {mandatory + Math.Max(reservedOutputTokens, 0)} tokens " +
                $"({mandatory} in the system prompt and newest message, {Math.Max(reservedOutputTokens, 0)} reserved for the completion). Please shorten the messages or max_tokens.");
        }

        // Fill from the newest optional message backwards: what fits is the most recent suffix of the conversation.
        var used = mandatory;
        var cut = -1;
        for (var i = newest - 1; i >= 0; i--)
        {
            if (keep[i])
            {
                continue;
            }

            if (used + counts[i] > budget)
            {
                cut = i;
                break;
            }

            keep[i] = true;
            used += counts[i];
        }

        if (cut >= 0)
        {
            // Everything older than the cut goes too, and a kept history must not start with a reply or a tool result
            // whose request was dropped (upstream APIs reject orphaned tool messages).
            for (var i = 0; i < newest; i++)
            {
                if (IsSystem(all[i]))
                {
                    continue;
                }

                if (i <= cut || all[i].Role is "assistant" or "tool")
                {
                    keep[i] = false;
                    continue;
                }

                break;
            }
        }

        var kept = all.Where((_, i) => keep[i]).ToList();
        return ContextOutcome.Fits(new ContextResult(kept, TokenCounter.CountPrompt(kept), kept.Count < all.Count));
    }

    /// <summary>History first; a system message the client repeats on every call is not added twice.</summary>
    public static List<ChatMessage> Merge(IReadOnlyList<ChatMessage> history, IReadOnlyList<ChatMessage> messages)
    {
        var storedSystems = history.Where(IsSystem).Select(m => m.Content?.Text ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        return [.. history, .. messages.Where(m => !IsSystem(m) || !storedSystems.Contains(m.Content?.Text ?? string.Empty))];
    }

    public static bool IsSystem(ChatMessage message) => string.Equals(message.Role, SystemRole, StringComparison.Ordinal);
}
