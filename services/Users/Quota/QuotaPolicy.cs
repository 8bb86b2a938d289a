using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;

namespace DeepSeek.Dapr.Users.Quota;

/// <summary>
/// The quota decision on already-loaded state. Pure, so every boundary is unit-tested. Checked in the order a user
/// can act on: permission (403), money (402), then rate and daily volume (429 with the seconds until it frees up).
/// </summary>
public static class QuotaPolicy
{
    public static QuotaDecision Decide(
        UserAccount? account, PlanOptions plan, string model, int estimatedTokens,
        long tokensToday, RateWindow minute, DateTimeOffset now)
    {
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

        var estimate = Math.Max(estimatedTokens, 0);
        if (plan.TokensPerDay > 0 && tokensToday + estimate > plan.TokensPerDay)
        {
            return Deny(429, $"Daily token quota of {plan.TokensPerDay} reached.", SecondsUntilNextDay(now));
        }

        if (plan.RequestsPerMinute > 0 && minute.Requests >= plan.RequestsPerMinute)
        {
            return Deny(429, $"Rate limit of {plan.RequestsPerMinute} requests per minute reached.", SecondsUntilNextMinute(now));
        }

        // A single request larger than the per-minute budget is admitted into an empty minute, else it could never run.
        if (plan.TokensPerMinute > 0 && minute.Tokens > 0 && minute.Tokens + estimate > plan.TokensPerMinute)
        {
            return Deny(429, $"Rate limit of {plan.TokensPerMinute} tokens per minute reached.", SecondsUntilNextMinute(now));
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
