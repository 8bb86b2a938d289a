using DeepSeek.Dapr.Chat.Context;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Chat.Apis;

/// <summary>Conversation context for gateway-ai: build the prompt, store finished turns.</summary>
public static class ContextApi
{
    public const string ContextLengthExceeded = "context_length_exceeded";

    public static IEndpointRouteBuilder MapContextApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal");
        api.MapPost("/context", BuildAsync).WithName("BuildContext")
            .WithSummary("History of conversation_id (if any) + new messages, truncated to the context window minus the reserved output");
        api.MapPost("/conversations/{conversationId}/turns", AppendAsync).WithName("AppendTurn").WithSummary("Store the new messages and the reply");
        api.MapGet("/conversations/{conversationId}", GetAsync).WithName("GetConversation").WithSummary("The stored messages of a conversation");
        return app;
    }

    public static async Task<Results<Ok<ContextResult>, BadRequest<ErrorResponse>>> BuildAsync(
        ContextRequest request, ConversationStore conversations, CancellationToken ct)
    {
        if (request.Messages is not { Count: > 0 })
        {
            return TypedResults.BadRequest(Invalid("messages must contain at least one message", "messages"));
        }

        if (request.ContextWindow <= 0 || request.ReservedOutputTokens < 0)
        {
            return TypedResults.BadRequest(Invalid("context_window must be positive and reserved_output_tokens not negative", "context_window"));
        }

        if (request.ConversationId is not null && !Identifiers.IsValidConversationId(request.ConversationId))
        {
            return TypedResults.BadRequest(InvalidConversationId());
        }

        var history = request.ConversationId is null ? [] : await conversations.LoadAsync(request.ConversationId, ct);
        var outcome = ContextBuilder.Build(history, request.Messages, request.ContextWindow, request.ReservedOutputTokens);
        return outcome.Result is { } result
            ? TypedResults.Ok(result)
            : TypedResults.BadRequest(ErrorResponse.Create(outcome.Error!, ErrorTypes.InvalidRequest, ContextLengthExceeded, "messages"));
    }

    public static async Task<Results<NoContent, BadRequest<ErrorResponse>>> AppendAsync(
        string conversationId, ConversationTurn turn, ConversationStore conversations, CancellationToken ct)
    {
        if (!Identifiers.IsValidConversationId(conversationId))
        {
            return TypedResults.BadRequest(InvalidConversationId());
        }

        if (turn.Reply is null || turn.NewMessages is null)
        {
            return TypedResults.BadRequest(Invalid("new_messages and reply are required", "reply"));
        }

        await conversations.AppendAsync(conversationId, turn.NewMessages, turn.Reply, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<List<ChatMessage>>, BadRequest<ErrorResponse>>> GetAsync(
        string conversationId, ConversationStore conversations, CancellationToken ct) =>
        Identifiers.IsValidConversationId(conversationId)
            ? TypedResults.Ok((await conversations.LoadAsync(conversationId, ct)).ToList())
            : TypedResults.BadRequest(InvalidConversationId());

    private static ErrorResponse InvalidConversationId() =>
        Invalid($"conversation_id must be 1-{Identifiers.MaxConversationIdLength} characters from [A-Za-z0-9._-]", "conversation_id");

    private static ErrorResponse Invalid(string message, string param) =>
        ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_request", param);
}
