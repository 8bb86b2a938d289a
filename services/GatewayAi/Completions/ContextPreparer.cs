using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Downstream;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// The messages the model sees. chat is asked only when it has something to add — a stored conversation to load, or a
/// prompt too long for the model's window — so an ordinary request saves a serial hop (the latency budget of the
/// benchmarks issue). Output room reserved: max_tokens (or the model's limit), but never more than half the window.
/// </summary>
public sealed class ContextPreparer(ChatContextClient chat)
{
    public async Task<(List<ChatMessage> Messages, int PromptTokens)> PrepareAsync(AdmittedRequest admitted, CancellationToken cancellationToken)
    {
        var request = admitted.Request;
        var model = admitted.Model;
        var reserved = Math.Min(request.MaxTokens ?? model.MaxOutputTokens, model.ContextWindow / 2);
        if (request.ConversationId is null && admitted.PromptTokens + reserved <= model.ContextWindow)
        {
            return (request.Messages!, admitted.PromptTokens);
        }

        var context = await chat.BuildAsync(new ContextRequest(request.ConversationId, request.Messages!, model.ContextWindow, reserved), cancellationToken);
        return ([.. context.Messages], context.PromptTokens);
    }

    /// <summary>The request as inference gets it: the client's parameters with the prepared messages.</summary>
    public static GenerateRequest ToGenerateRequest(AdmittedRequest admitted, List<ChatMessage> messages)
    {
        var r = admitted.Request;
        var copy = new ChatCompletionRequest
        {
            Model = admitted.Model.Id,
            Messages = messages,
            Stream = r.Stream,
            // inference always ends a stream with a usage chunk; the gateway decides whether the client sees it.
            StreamOptions = r.IsStreaming ? new StreamOptions { IncludeUsage = true } : null,
            Temperature = r.Temperature,
            TopP = r.TopP,
            MaxTokens = r.MaxTokens,
            Stop = r.Stop,
            Seed = r.Seed,
            ResponseFormat = r.ResponseFormat,
            FrequencyPenalty = r.FrequencyPenalty,
            PresencePenalty = r.PresencePenalty,
            User = r.User,
            N = r.N,
            Tools = r.Tools,
            ToolChoice = r.ToolChoice,
        };
        return new GenerateRequest(admitted.RequestId, copy, admitted.Model);
    }
}
