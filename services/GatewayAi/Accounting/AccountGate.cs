using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// Admission against the user's account: a reservation on the accounting actor, or — only while users cannot
/// answer — the replica's local allowance (marked <c>auth-cache</c>; its usage is published without a reservation id
/// and charged by users when it is back). Owns the rule "exactly one of settle or release per reservation": a hold
/// still open when the response has completed is released.
/// </summary>
public sealed partial class AccountGate(
    IAccountReservations reservations, LocalAllowance allowance, FallbackMarker fallbacks, ILogger<AccountGate> logger)
{
    public async Task<AccountAdmission> AdmitAsync(string userId, ReservationRequest request, HttpContext httpContext)
    {
        QuotaDecision decision;
        try
        {
            // Not the client's token: a reserve cancelled in flight could leave a hold whose id nobody knows.
            decision = await reservations.ReserveAsync(userId, request, CancellationToken.None);
        }
        catch (DownstreamUnavailableException)
        {
            var outcome = allowance.TryTake(userId, request.PromptTokens + request.MaxCompletionTokens);
            switch (outcome.Verdict)
            {
                case AllowanceVerdict.Admitted:
                    fallbacks.Mark(httpContext, FallbackKinds.AuthCache);
                    return new AccountAdmission(new QuotaDecision(true), null);
                case AllowanceVerdict.Exhausted:
                    return new AccountAdmission(new QuotaDecision(false, StatusCodes.Status429TooManyRequests,
                        "Rate limit reached while the account service is degraded; retry later.", outcome.RetryAfterSeconds), null);
                default:
                    // Nothing vouches for this user: we cannot know, so the caller answers 503, not a guess.
                    throw;
            }
        }

        if (!decision.Allowed)
        {
            if (decision.Status is StatusCodes.Status402PaymentRequired or StatusCodes.Status403Forbidden)
            {
                allowance.Revoke(userId);
            }

            return new AccountAdmission(decision, null);
        }

        allowance.Vouch(userId, decision.Headroom);
        if (decision.ReservationId is not { Length: > 0 } reservationId)
        {
            return new AccountAdmission(decision, null);
        }

        var ticket = new ReservationTicket(userId, reservationId);
        // Whatever path the request takes after admission (an error reply, the client leaving, a bug), a hold whose
        // usage was never published is released once the response is over instead of waiting for the reminder.
        httpContext.Response.OnCompleted(static state =>
        {
            var (gate, openTicket) = ((AccountGate, ReservationTicket))state;
            _ = gate.ReleaseAsync(openTicket);
            return Task.CompletedTask;
        }, (this, ticket));
        return new AccountAdmission(decision, ticket);
    }

    /// <summary>Frees the hold unless its usage was already published (or it was released before).</summary>
    public async Task ReleaseAsync(ReservationTicket ticket)
    {
        if (!ticket.TryClose())
        {
            return;
        }

        try
        {
            await reservations.ReleaseAsync(ticket.UserId, new ReservationRelease(ticket.ReservationId), CancellationToken.None);
        }
        catch (DownstreamUnavailableException ex)
        {
            // The actor's reminder frees an unsettled hold; nothing is charged for it.
            LogReleaseFailed(logger, ex, ticket.ReservationId, ticket.UserId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing reservation {ReservationId} of user {UserId} failed; its reminder will expire it")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string reservationId, string userId);
}

/// <summary>The account's answer; <see cref="Ticket"/> is set when a hold was taken.</summary>
public sealed record AccountAdmission(QuotaDecision Decision, ReservationTicket? Ticket);
