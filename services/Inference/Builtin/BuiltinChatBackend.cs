using System.Runtime.CompilerServices;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.ServiceDefaults.Tokens;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>The <c>builtin</c> backend: the n-gram model trained from the shipped corpus, generating in-process.</summary>
public sealed class BuiltinChatBackend(BuiltinModelProvider models, IOptions<BuiltinOptions> options) : IChatBackend
{
    public Task<BackendCompletion> CompleteAsync(GenerateRequest input, CancellationToken cancellationToken) =>
        StreamAggregator.CollectAsync(StreamAsync(input, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<BackendUpdate> StreamAsync(GenerateRequest input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = BuiltinRequestMapper.ToSettings(input, options.Value);
        var model = await models.GetAsync(input.Model.Backend.Artifact, cancellationToken);
        var promptTokens = TokenCounter.CountPrompt(input.Request.Messages ?? []);
        var generator = new BuiltinGenerator(model, TokenCounter.Tokenizer);
        var updates = generator.Generate(settings, cancellationToken);
        if (input.Request.ResponseFormat?.Type == BuiltinRequestMapper.JsonObject)
        {
            updates = JsonAnswerFormat.Wrap(updates);
        }

        foreach (var update in updates)
        {
            if (update.Usage is { } usage)
            {
                usage.PromptTokens = promptTokens;
                usage.PromptCacheMissTokens = promptTokens;
                usage.TotalTokens = promptTokens + usage.CompletionTokens;
            }

            yield return update;
        }
    }
}

/// <summary>Maps and checks an OpenAI request's sampling fields for the built-in model (clear 400s naming the field).</summary>
public static class BuiltinRequestMapper
{
    public const string Text = "text";
    public const string JsonObject = "json_object";

    public static GenerationSettings ToSettings(GenerateRequest input, BuiltinOptions options)
    {
        var request = input.Request;
        var temperature = Range(request.Temperature, options.DefaultTemperature, 0, 2, "temperature");
        var topP = request.TopP ?? 1.0;
        if (topP is <= 0 or > 1 || double.IsNaN(topP))
        {
            throw BackendException.BadRequest("top_p must be greater than 0 and at most 1.", "top_p");
        }

        var frequency = Range(request.FrequencyPenalty, 0, -2, 2, "frequency_penalty");
        var presence = Range(request.PresencePenalty, 0, -2, 2, "presence_penalty");
        if (request.MaxTokens is < 1)
        {
            throw BackendException.BadRequest("max_tokens must be at least 1.", "max_tokens");
        }

        if (request.ResponseFormat?.Type is { } format && format is not (Text or JsonObject))
        {
            throw BackendException.BadRequest($"response_format.type must be '{Text}' or '{JsonObject}'.", "response_format");
        }

        if (request.Stop is { Count: > 16 })
        {
            throw BackendException.BadRequest("stop may hold at most 16 sequences.", "stop");
        }

        if (request.Tools is { ValueKind: System.Text.Json.JsonValueKind.Array } tools && tools.GetArrayLength() > 0 && !input.Model.Backend.SupportsTools)
        {
            throw BackendException.BadRequest($"The model '{input.Model.Id}' does not support tools.", "tools");
        }

        var maxTokens = Math.Min(request.MaxTokens ?? input.Model.MaxOutputTokens, Math.Max(input.Model.MaxOutputTokens, 1));
        return new GenerationSettings(
            TokenCounter.Tokenizer.EncodeToIds(LastUserText(request.Messages)).ToArray(),
            new SamplingOptions(temperature, topP, frequency, presence, options.PromptBoost, options.TriggerWeight),
            maxTokens,
            request.Stop ?? [],
            request.Seed,
            input.Model.Backend.Reasoning,
            options.MaxReasoningTokens);
    }

    /// <summary>The answer follows the last user message; without one, the last message of any role.</summary>
    private static string LastUserText(IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw BackendException.BadRequest("messages must contain at least one message.", "messages");
        }

        var last = messages.LastOrDefault(m => m.Role == "user") ?? messages[^1];
        return last.Content?.Text ?? string.Empty;
    }

    private static double Range(double? value, double fallback, double min, double max, string param)
    {
        var v = value ?? fallback;
        return v >= min && v <= max
            ? v
            : throw BackendException.BadRequest($"{param} must be between {min} and {max}.", param);
    }
}
