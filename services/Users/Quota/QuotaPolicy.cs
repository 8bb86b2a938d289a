using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;

namespace DeepSeek.Dapr.Users.Quota;

/// <summary>What the actor knows when it decides a reservation: the account, its open holds and today's counts.</summary>
public sealed record QuotaSnapshot(
    AccountState? Account,
    PlanOptions Plan,
    decimal HeldAmount,
    long HeldTokens,
    int OpenHolds,
    long TokensToday,
    MinuteWindow Minute);

/// <summary>
/// The reservation decision on already-loaded state. Pure, so every boundary is unit-tested. Checked in the order a user
/// can act on: permission (403), money (402), then daily volume, rate and parallelism (429 with the seconds until it
/// frees up).
/// </summary>
public static class QuotaPolicy
{
    /// <summary>Tokens a request may use at most: its prompt plus every completion token it may produce.</summary>
    public static long EstimatedTokens(ReservationRequest request) =>
        (long)Math.Max(request.PromptTokens, 0) + Math.Max(request.MaxCompletionTokens, 0);

    public static QuotaDecision Decide(QuotaSnapshot state, string model, decimal holdAmount, long estimatedTokens, DateTimeOffset now)
    {
        var (account, plan) = (state.Account, state.Plan);
        if (account is null)
        {
            return Deny(403, "Unknown user: no account exists for this API key's owner.");
        }

        if (plan.AllowedModels.Count > 0 && !plan.AllowedModels.Contains(model, StringComparer.OrdinalIgnoreCase))
        {
            return Deny(403, $"The plan '{account.Plan}' does not include the model '{model}'.");
        }

        if (account.TotalBalance <= 0m)
        {
            return Deny(402, "Insufficient Balance: top up your account to continue.");
        }

        // Open holds are money already promised to running requests: a new hold must fit in what is left.
        if (holdAmount > account.TotalBalance - state.HeldAmount)
        {
            return Deny(402, "Insufficient Balance: the balance left after running requests does not cover this request; top up or lower max_tokens.");
        }

        if (plan.TokensPerDay > 0 && state.TokensToday + state.HeldTokens + estimatedTokens > plan.TokensPerDay)
        {
            return Deny(429, $"Daily token quota of {plan.TokensPerDay} reached.", SecondsUntilNextDay(now));
        }

        if (plan.RequestsPerMinute > 0 && state.Minute.Requests >= plan.RequestsPerMinute)
        {
            return Deny(429, $"Rate limit of {plan.RequestsPerMinute} requests per minute reached.", SecondsUntilNextMinute(now));
        }

        // A single request larger than the per-minute budget is admitted into an empty minute, else it could never run.
        if (plan.TokensPerMinute > 0 && state.Minute.Tokens > 0 && state.Minute.Tokens + estimatedTokens > plan.TokensPerMinute)
        {
            return Deny(429, $"Rate limit of {plan.TokensPerMinute} tokens per minute reached.", SecondsUntilNextMinute(now));
        }

        if (plan.MaxParallelRequests > 0 && state.OpenHolds >= plan.MaxParallelRequests)
        {
            return Deny(429, $"At most {plan.MaxParallelRequests} requests may run at once on this plan.", 1);
        }

        return new QuotaDecision(true);
    }

    public static int SecondsUntilNextMinute(DateTimeOffset now) => Math.Max(1, 60 - now.UtcDateTime.Second);

    public static int SecondsUntilNextDay(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return Math.Max(1, (int)Math.Ceiling((utc.Date.AddDays(1) - utc).TotalSeconds));
    }

    private static QuotaDecision Deny(int status, string message, int? retryAfter = null) =>
        new(false, status, message, retryAfter);
}
