using System.Diagnostics;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Accounting;
using DeepSeek.Dapr.GatewayAi.Caching;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// What happens once a reply exists: store it in the response cache, append the turn to the conversation, and publish
/// its usage (exactly one event per request, with a fresh event id, carrying the reservation users settles). A request
/// that ended before anything was generated publishes nothing and releases its hold instead.
/// The cache write and the turn are awaited before the reply ends, so the client's next request reads them. The usage
/// event is not: its subscribers see it asynchronously anyway, so it is published while the reply is written and the
/// response's completion awaits it (Kestrel runs OnCompleted before it takes the connection's next request and before
/// a graceful shutdown ends). None of these may fail the reply the client already has, and none may be cancelled by
/// the client leaving, so they run on their own token.
/// </summary>
public sealed partial class CompletionFinisher(
    IResponseCache cache, IUsagePublisher usage, ChatContextClient chat, AccountGate accounts, GatewayMetrics metrics, ILogger<CompletionFinisher> logger)
{
    public async Task FinishAsync(AdmittedRequest admitted, ChatCompletion? reply, bool streamed, bool complete, HttpResponse response)
    {
        var elapsedMs = Stopwatch.GetElapsedTime(admitted.StartedAt).TotalMilliseconds;
        var promptTokens = reply?.Usage?.PromptTokens is > 0 and var p ? p : admitted.PromptTokens;
        var completionTokens = reply?.Usage?.CompletionTokens ?? TokenCounter.Count(reply?.Choices.FirstOrDefault()?.Message.Content);

        if (!complete && !admitted.CacheHit && completionTokens == 0)
        {
            if (admitted.Reservation is { } unused)
            {
                await accounts.ReleaseAsync(unused);
            }

            metrics.Request(StatusCodes.Status499ClientClosedRequest, streamed, elapsedMs);
            return;
        }

        // Closing the ticket here means the response's end will not release it: users settles it from this event.
        var reservationId = admitted.Reservation is { } ticket && ticket.TryClose() ? ticket.ReservationId : null;
        var publishing = usage.PublishAsync(new UsageRecorded(
            EventId: Guid.NewGuid().ToString("N"),
            RequestId: admitted.RequestId,
            UserId: admitted.Key.UserId!,
            KeyId: admitted.Key.KeyId,
            Model: admitted.Model.Id,
            PromptTokens: promptTokens,
            CompletionTokens: completionTokens,
            PromptCacheHitTokens: admitted.CacheHit ? promptTokens : 0,
            CacheHit: admitted.CacheHit,
            Streamed: streamed,
            LatencyMs: elapsedMs,
            OccurredAt: DateTimeOffset.UtcNow,
            ReservationId: reservationId), CancellationToken.None);
        response.OnCompleted(static state => (Task)state, publishing);

        var work = new List<Task>(2);
        if (complete && reply is not null && !admitted.CacheHit && admitted.CacheKey is { } key && CompletionShaping.IsCacheable(reply))
        {
            work.Add(cache.SetAsync(key, reply, CancellationToken.None));
        }

        if (complete && reply is not null && admitted.Request.ConversationId is { } conversationId)
        {
            work.Add(AppendTurnAsync(conversationId, admitted.Request.Messages!, reply));
        }

        await Task.WhenAll(work);
        metrics.Tokens(promptTokens, completionTokens);
        metrics.Request(complete ? StatusCodes.Status200OK : StatusCodes.Status499ClientClosedRequest, streamed, elapsedMs);
    }

    private async Task AppendTurnAsync(string conversationId, List<ChatMessage> messages, ChatCompletion reply)
    {
        var answer = reply.Choices.FirstOrDefault()?.Message;
        var turn = new ConversationTurn(messages, new ChatMessage
        {
            Role = "assistant",
            Content = answer?.Content ?? string.Empty,
            ReasoningContent = answer?.ReasoningContent,
        });
        try
        {
            await chat.AppendTurnAsync(conversationId, turn, CancellationToken.None);
        }
        catch (DownstreamUnavailableException ex)
        {
            LogTurnNotStored(logger, ex, conversationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The turn of conversation {ConversationId} could not be stored")]
    private static partial void LogTurnNotStored(ILogger logger, Exception exception, string conversationId);
}
