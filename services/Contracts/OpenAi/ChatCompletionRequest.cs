using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepSeek.Dapr.Contracts.OpenAi;

/// <summary>Body of <c>POST /v1/chat/completions</c> (OpenAI/DeepSeek schema plus the <c>conversation_id</c> extension).</summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessage>? Messages { get; set; }
    public bool? Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? MaxTokens { get; set; }

    /// <summary>A string or up to 16 strings on the wire; always a list here.</summary>
    [JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Stop { get; set; }

    public long? Seed { get; set; }
    public ResponseFormat? ResponseFormat { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? PresencePenalty { get; set; }
    public string? User { get; set; }
    public int? N { get; set; }

    /// <summary>Passed through untouched to backends that support tools.</summary>
    public JsonElement? Tools { get; set; }

    public JsonElement? ToolChoice { get; set; }

    /// <summary>Extension: load and extend a stored conversation in the chat service.</summary>
    public string? ConversationId { get; set; }

    [JsonIgnore]
    public bool IsStreaming => Stream == true;

    /// <summary>
    /// This request as a hop towards generation sends it: another model name and message list, every sampling
    /// parameter unchanged, usage always requested when streaming (the backend's last chunk carries it), and no
    /// platform extension (<see cref="ConversationId"/>).
    /// </summary>
    public ChatCompletionRequest ForGeneration(string model, List<ChatMessage>? messages, bool stream) => new()
    {
        Model = model,
        Messages = messages,
        Stream = stream,
        StreamOptions = stream ? new StreamOptions { IncludeUsage = true } : null,
        Temperature = Temperature,
        TopP = TopP,
        MaxTokens = MaxTokens,
        Stop = Stop,
        Seed = Seed,
        ResponseFormat = ResponseFormat,
        FrequencyPenalty = FrequencyPenalty,
        PresencePenalty = PresencePenalty,
        User = User,
        N = N,
        Tools = Tools,
        ToolChoice = ToolChoice,
    };
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}

public sealed class ResponseFormat
{
    public string? Type { get; set; }
}

public sealed class ChatMessage
{
    public string? Role { get; set; }

    /// <summary>A string or an array of content parts on the wire.</summary>
    public MessageContent? Content { get; set; }

    public string? Name { get; set; }
    public string? ReasoningContent { get; set; }
    public JsonElement? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
}
