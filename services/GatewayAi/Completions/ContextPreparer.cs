using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// The messages the model sees. chat is asked only when it has something to add — a stored conversation to load, or a
/// prompt too long for the model's window — so an ordinary request saves a serial hop (the latency budget of the
/// benchmarks issue). Output room reserved: max_tokens (or the model's limit), but never more than half the window.
/// When chat cannot answer, the request's own messages are generated from rather than failing the request
/// (ADR 0004); the caller marks that reply <c>degraded</c>.
/// </summary>
public sealed partial class ContextPreparer(ChatContextClient chat, ILogger<ContextPreparer> logger)
{
    public async Task<PreparedContext> PrepareAsync(AdmittedRequest admitted, CancellationToken cancellationToken)
    {
        var request = admitted.Request;
        var model = admitted.Model;
        var reserved = Math.Min(request.MaxTokens ?? model.MaxOutputTokens, model.ContextWindow / 2);
        if (request.ConversationId is null && admitted.PromptTokens + reserved <= model.ContextWindow)
        {
            return new PreparedContext(request.Messages!, admitted.PromptTokens, WithoutStoredContext: false);
        }

        try
        {
            var context = await chat.BuildAsync(new ContextRequest(request.ConversationId, request.Messages!, model.ContextWindow, reserved), cancellationToken);
            return new PreparedContext([.. context.Messages], context.PromptTokens, WithoutStoredContext: false);
        }
        catch (DownstreamUnavailableException ex)
        {
            LogWithoutContext(logger, ex, admitted.RequestId);
            return new PreparedContext(request.Messages!, admitted.PromptTokens, WithoutStoredContext: true);
        }
    }

    /// <summary>The request as inference gets it: the client's parameters with the prepared messages.</summary>
    public static GenerateRequest ToGenerateRequest(AdmittedRequest admitted, List<ChatMessage> messages)
    {
        // inference always ends a stream with a usage chunk; the gateway decides whether the client sees it.
        var copy = admitted.Request.ForGeneration(admitted.Model.Id, messages, admitted.Request.IsStreaming);
        return new GenerateRequest(admitted.RequestId, copy, admitted.Model);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "chat is unavailable: request {RequestId} is generated from its own messages, without stored context or truncation")]
    private static partial void LogWithoutContext(ILogger logger, Exception exception, string requestId);
}

/// <summary>
/// The messages to generate from. <see cref="WithoutStoredContext"/>: chat could not answer, so the conversation's
/// history (or chat's truncation) is missing and the reply is degraded.
/// </summary>
public sealed record PreparedContext(List<ChatMessage> Messages, int PromptTokens, bool WithoutStoredContext);
