using System.Text.Json;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Validation;

/// <summary>
/// Parameter rules for <c>POST /v1/chat/completions</c>. One status rule, as DeepSeek documents "Invalid Format" (400)
/// and "Invalid Parameters" (422): a request that does not fit the schema — not JSON, a field of the wrong type, a
/// required field missing — is 400; a well-typed field whose value is not allowed — out of range, unknown enum value,
/// too many items, an unsupported combination — is 422. Every error names the field in <c>param</c>.
/// The first problem found is reported, in the order of the fields below.
/// </summary>
public static class ChatRequestValidator
{
    public const int MaxStopSequences = 16;
    public const int MaxConversationIdLength = 128;

    private static readonly HashSet<string> Roles = ["system", "user", "assistant", "tool"];
    private static readonly HashSet<string> ResponseFormats = ["text", "json_object"];
    private static readonly HashSet<string> PartTypes = ["text", "image_url"];

    public static OpenAiErrorResult? Validate(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return Missing("model");
        }

        if (request.Messages is null)
        {
            return Missing("messages");
        }

        if (request.Messages.Count == 0)
        {
            return Invalid("messages", "'messages' must contain at least one message.");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            if (ValidateMessage(request.Messages[i], $"messages[{i}]") is { } error)
            {
                return error;
            }
        }

        return ValidateSampling(request) ?? ValidateOptions(request);
    }

    /// <summary>The check that needs the resolved model: the reply may not be longer than the model can write.</summary>
    public static OpenAiErrorResult? ValidateAgainstModel(ChatCompletionRequest request, ModelDescriptor model) =>
        request.MaxTokens > model.MaxOutputTokens
            ? Invalid("max_tokens", $"'max_tokens' is {request.MaxTokens}, but {model.Id} writes at most {model.MaxOutputTokens} tokens.")
            : null;

    private static OpenAiErrorResult? ValidateMessage(ChatMessage? message, string path)
    {
        if (message is null)
        {
            return Missing(path, $"'{path}' must be a message object.");
        }

        if (string.IsNullOrWhiteSpace(message.Role))
        {
            return Missing($"{path}.role");
        }

        if (!Roles.Contains(message.Role))
        {
            return Invalid($"{path}.role", $"'{path}.role' is '{message.Role}'; it must be one of system, user, assistant, tool.");
        }

        if (message.Content is null)
        {
            // An assistant turn that only calls tools has no content; every other turn must say something.
            return message.Role == "assistant" && message.ToolCalls is not null ? null : Missing($"{path}.content");
        }

        if (message.Role == "tool" && string.IsNullOrWhiteSpace(message.ToolCallId))
        {
            return Missing($"{path}.tool_call_id", $"'{path}.tool_call_id' is required for a message with role 'tool'.");
        }

        return message.Content.Parts is { } parts ? ValidateParts(parts, $"{path}.content") : null;
    }

    private static OpenAiErrorResult? ValidateParts(JsonElement parts, string path)
    {
        var index = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var partPath = $"{path}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return OpenAiErrors.BadRequest($"'{partPath}' must be an object with a string 'type'.", partPath, "invalid_type");
            }

            var kind = type.GetString()!;
            if (!PartTypes.Contains(kind))
            {
                return Invalid($"{partPath}.type", $"'{partPath}.type' is '{kind}'; it must be 'text' or 'image_url'.");
            }

            if (kind == "text" && (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String))
            {
                return Missing($"{partPath}.text", $"'{partPath}.text' must be a string.");
            }
        }

        return null;
    }

    private static OpenAiErrorResult? ValidateSampling(ChatCompletionRequest r)
    {
        if (r.Temperature is < 0 or > 2)
        {
            return Invalid("temperature", $"'temperature' is {r.Temperature}; it must be between 0 and 2.");
        }

        if (r.TopP is <= 0 or > 1)
        {
            return Invalid("top_p", $"'top_p' is {r.TopP}; it must be greater than 0 and at most 1.");
        }

        if (r.MaxTokens is < 1)
        {
            return Invalid("max_tokens", $"'max_tokens' is {r.MaxTokens}; it must be at least 1.");
        }

        if (r.Stop is { Count: > MaxStopSequences })
        {
            return Invalid("stop", $"'stop' has {r.Stop.Count} sequences; at most {MaxStopSequences} are allowed.");
        }

        if (r.FrequencyPenalty is < -2 or > 2)
        {
            return Invalid("frequency_penalty", $"'frequency_penalty' is {r.FrequencyPenalty}; it must be between -2 and 2.");
        }

        if (r.PresencePenalty is < -2 or > 2)
        {
            return Invalid("presence_penalty", $"'presence_penalty' is {r.PresencePenalty}; it must be between -2 and 2.");
        }

        return r.N is { } n && n != 1
            ? Invalid("n", $"'n' is {n}; only n=1 is supported (one choice per request). Send separate requests for more.")
            : null;
    }

    private static OpenAiErrorResult? ValidateOptions(ChatCompletionRequest r)
    {
        if (r.ResponseFormat is { } format && (format.Type is null || !ResponseFormats.Contains(format.Type)))
        {
            return Invalid("response_format.type", $"'response_format.type' is '{format.Type}'; it must be 'text' or 'json_object'.");
        }

        if (r.StreamOptions is not null && !r.IsStreaming)
        {
            return Invalid("stream_options", "'stream_options' is only allowed when 'stream' is true.");
        }

        if (r.Tools is { } tools && tools.ValueKind != JsonValueKind.Array)
        {
            return OpenAiErrors.BadRequest("'tools' must be an array of tool definitions.", "tools", "invalid_type");
        }

        if (r.ToolChoice is { } choice && choice.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
        {
            return OpenAiErrors.BadRequest("'tool_choice' must be a string or an object.", "tool_choice", "invalid_type");
        }

        if (r.ConversationId is { } id && (id.Length is 0 or > MaxConversationIdLength || !id.All(IsIdChar)))
        {
            return Invalid("conversation_id",
                $"'conversation_id' must be 1 to {MaxConversationIdLength} characters of letters, digits, '-', '_', '.' or ':'.");
        }

        return null;
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    private static OpenAiErrorResult Missing(string param, string? message = null) =>
        OpenAiErrors.BadRequest(message ?? $"'{param}' is required.", param, "missing_required_parameter");

    private static OpenAiErrorResult Invalid(string param, string message) =>
        new(StatusCodes.Status422UnprocessableEntity, ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_parameter", param));
}
