using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using System.Text.Json;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>The fields every reply carries the same way, whoever produced it (backend or cache).</summary>
public static class CompletionShaping
{
    public static string NewId() => $"chatcmpl-{Guid.NewGuid():N}";

    /// <summary>A fresh answer: ensure id/created/fingerprint, and count the whole prompt as a cache miss.</summary>
    public static ChatCompletion Fresh(ChatCompletion completion, string fingerprint, int promptTokens)
    {
        if (string.IsNullOrEmpty(completion.Id) || !completion.Id.StartsWith("chatcmpl-", StringComparison.Ordinal))
        {
            completion.Id = NewId();
        }

        if (completion.Created == 0)
        {
            completion.Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }

        completion.SystemFingerprint ??= fingerprint;
        completion.Usage ??= new Usage { PromptTokens = promptTokens };
        SplitPromptCache(completion.Usage, hit: false);
        return completion;
    }

    /// <summary>A cached answer served again: its own id and timestamp, and the whole prompt counted as a cache hit.</summary>
    public static ChatCompletion FromCache(ChatCompletion cached)
    {
        var copy = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(cached, ContractsJsonContext.Default.ChatCompletion), ContractsJsonContext.Default.ChatCompletion)!;
        copy.Id = NewId();
        copy.Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        copy.Usage ??= new Usage();
        SplitPromptCache(copy.Usage, hit: true);
        return copy;
    }

    public static void SplitPromptCache(Usage usage, bool hit)
    {
        usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens;
        usage.PromptCacheHitTokens = hit ? usage.PromptTokens : 0;
        usage.PromptCacheMissTokens = hit ? 0 : usage.PromptTokens;
    }

    /// <summary>Only clean endings are worth replaying; a tool call depends on the caller's tools running, so it is not cached.</summary>
    public static bool IsCacheable(ChatCompletion completion) =>
        completion.Choices.Count == 1
        && completion.Choices[0].FinishReason is "stop" or "length"
        && completion.Choices[0].Message.ToolCalls is null;
}
