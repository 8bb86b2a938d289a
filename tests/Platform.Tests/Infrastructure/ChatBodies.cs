using System.Text.Json.Nodes;

namespace Platform.Tests.Infrastructure;

/// <summary>Request bodies for <c>POST /v1/chat/completions</c>, written as a client would write them.</summary>
public static class ChatBodies
{
    public static JsonObject User(string model, string content, int? maxTokens = 32)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        };
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        return body;
    }

    /// <summary>A question no earlier request asked, so the response cache cannot answer it.</summary>
    public static string FreshQuestion(string topic) => $"{topic} (request {Guid.NewGuid():N})";

    public static JsonObject Streamed(JsonObject body, bool includeUsage)
    {
        body["stream"] = true;
        if (includeUsage)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body;
    }
}
