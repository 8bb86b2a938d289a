using System.Text.Json.Nodes;

namespace FakeUpstream;

/// <summary>The JSON the fake answers with, written field by field as the real servers do (nulls included).</summary>
internal sealed record CompletionPayloads(string Id, string Model, long Created, StreamStyle Style)
{
    private const string Fingerprint = "fp_fake_upstream";

    public JsonObject Completion(string content, string finishReason, int promptTokens, int completionTokens) => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion",
        ["created"] = Created,
        ["model"] = Model,
        ["system_fingerprint"] = Fingerprint,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = Usage(promptTokens, completionTokens),
    };

    /// <summary>A chunk with one choice; <paramref name="usage"/> is written as null unless given (both servers do so).</summary>
    public JsonObject Chunk(JsonObject delta, string? finishReason, JsonObject? usage = null) => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created,
        ["model"] = Model,
        ["system_fingerprint"] = Fingerprint,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = usage,
    };

    /// <summary>OpenAI's separate usage chunk: no choices at all.</summary>
    public JsonObject UsageChunk(int promptTokens, int completionTokens) => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created,
        ["model"] = Model,
        ["system_fingerprint"] = Fingerprint,
        ["choices"] = new JsonArray(),
        ["usage"] = Usage(promptTokens, completionTokens),
    };

    public JsonObject Usage(int promptTokens, int completionTokens)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = completionTokens,
            ["total_tokens"] = promptTokens + completionTokens,
        };
        if (Style == StreamStyle.DeepSeek)
        {
            usage["prompt_cache_hit_tokens"] = 0;
            usage["prompt_cache_miss_tokens"] = promptTokens;
        }

        return usage;
    }
}
