using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepSeek.Dapr.Contracts.OpenAi;

/// <summary>
/// Message content: a plain string or an array of parts. Parts are kept as sent so that an upstream
/// backend receives exactly what the client wrote; <see cref="Text"/> is the text the built-in model reads.
/// </summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed class MessageContent
{
    private MessageContent(string? text, JsonElement? parts)
    {
        PlainText = text;
        Parts = parts;
    }

    public string? PlainText { get; }
    public JsonElement? Parts { get; }

    /// <summary>All text of the content: the string itself, or the <c>text</c> of every text part joined.</summary>
    public string Text => PlainText ?? JoinTextParts(Parts);

    public static MessageContent FromText(string text) => new(text, null);
    public static MessageContent FromParts(JsonElement parts) => new(null, parts.Clone());

    public static implicit operator MessageContent(string text) => FromText(text);

    private static string JoinTextParts(JsonElement? parts)
    {
        if (parts is not { ValueKind: JsonValueKind.Array } array)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        foreach (var part in array.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text"
                && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                if (sb.Length > 0)
                {
                    sb.Append('\n');
                }

                sb.Append(text.GetString());
            }
        }

        return sb.ToString();
    }
}

public sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return MessageContent.FromText(reader.GetString()!);
            case JsonTokenType.StartArray:
                using (var doc = JsonDocument.ParseValue(ref reader))
                {
                    return MessageContent.FromParts(doc.RootElement);
                }
            default:
                throw new JsonException("must be a string or an array of content parts");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.PlainText is not null)
        {
            writer.WriteStringValue(value.PlainText);
        }
        else if (value.Parts is { } parts)
        {
            parts.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
