using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Caching;

/// <summary>
/// Exact-match key of the response cache: SHA-256 over a canonical JSON of everything that decides the output —
/// the resolved model id (so aliases share entries), the messages, and every sampling parameter with defaults filled
/// in (an omitted <c>top_p</c> and <c>top_p: 1</c> are the same request). Object keys inside free-form JSON
/// (tools, tool_choice, content parts) are sorted, so key order on the wire does not matter.
/// <c>stream</c>, <c>stream_options</c> and <c>user</c> do not change the text and are left out: a streamed request
/// can be answered from a completion cached by a non-streamed one and vice versa.
/// </summary>
public static class CompletionCacheKey
{
    /// <summary>Bump when the canonical form changes, so old entries are never misread.</summary>
    private const string Version = "chat-v1";

    /// <summary>
    /// Only reproducible requests are cached: greedy decoding (temperature 0) or a fixed seed. A conversation request
    /// depends on history stored in chat, which the client's messages do not show, so it is never cached.
    /// </summary>
    public static bool IsCacheable(ChatCompletionRequest request) =>
        request.ConversationId is null && (request.Temperature == 0 || request.Seed is not null);

    public static string Compute(ChatCompletionRequest request, string resolvedModelId)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("v", Version);
            writer.WriteString("model", resolvedModelId);
            writer.WriteStartArray("messages");
            foreach (var message in request.Messages ?? [])
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteNumber("temperature", request.Temperature ?? 1);
            writer.WriteNumber("top_p", request.TopP ?? 1);
            WriteNullable(writer, "max_tokens", request.MaxTokens);
            writer.WriteStartArray("stop");
            foreach (var stop in request.Stop ?? [])
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
            WriteNullable(writer, "seed", request.Seed);
            writer.WriteString("response_format", request.ResponseFormat?.Type ?? "text");
            writer.WriteNumber("frequency_penalty", request.FrequencyPenalty ?? 0);
            writer.WriteNumber("presence_penalty", request.PresencePenalty ?? 0);
            WriteCanonical(writer, "tools", request.Tools);
            WriteCanonical(writer, "tool_choice", request.ToolChoice);
            writer.WriteEndObject();
        }

        return $"{Version}:{Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))}";
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role);
        if (message.Content?.PlainText is { } text)
        {
            writer.WriteString("content", text);
        }
        else
        {
            WriteCanonical(writer, "content", message.Content?.Parts);
        }

        writer.WriteString("name", message.Name);
        writer.WriteString("reasoning_content", message.ReasoningContent);
        WriteCanonical(writer, "tool_calls", message.ToolCalls);
        writer.WriteString("tool_call_id", message.ToolCallId);
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteCanonical(Utf8JsonWriter writer, string name, JsonElement? element)
    {
        writer.WritePropertyName(name);
        if (element is { } value)
        {
            WriteCanonicalValue(writer, value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteCanonicalValue(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonicalValue(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonicalValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
