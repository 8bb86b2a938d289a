using System.Globalization;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Users.Actors;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>Money arithmetic, all in <see cref="decimal"/> so charges add up to the cent and beyond.</summary>
public static class Pricing
{
    private const decimal TokensPerPriceUnit = 1_000_000m;

    /// <summary>Cache-hit prompt tokens at the hit rate, the rest of the prompt at the miss rate, completion at the output rate.</summary>
    public static decimal Cost(PriceOptions? price, int promptTokens, int promptCacheHitTokens, int completionTokens)
    {
        if (price is null)
        {
            return 0m;
        }

        var hit = Math.Clamp(promptCacheHitTokens, 0, Math.Max(promptTokens, 0));
        var miss = Math.Max(promptTokens, 0) - hit;
        return (hit * price.InputCacheHit + miss * price.InputCacheMiss + Math.Max(completionTokens, 0) * price.Output) / TokensPerPriceUnit;
    }

    public static decimal Cost(PriceOptions? price, UsageRecorded usage) =>
        Cost(price, usage.PromptTokens, usage.PromptCacheHitTokens, usage.CompletionTokens);

    /// <summary>The most a request can cost: its whole prompt as a cache miss plus every completion token it may produce.</summary>
    public static decimal HoldAmount(PriceOptions? price, int promptTokens, int maxCompletionTokens) =>
        Cost(price, promptTokens, 0, maxCompletionTokens);

    /// <summary>Granted balance is spent first (as DeepSeek does); what remains comes off the topped-up balance, which may go negative.</summary>
    public static AccountState Charge(AccountState account, decimal cost)
    {
        var fromGranted = Math.Min(cost, Math.Max(account.GrantedBalance, 0m));
        return account with
        {
            GrantedBalance = account.GrantedBalance - fromGranted,
            ToppedUpBalance = account.ToppedUpBalance - (cost - fromGranted),
        };
    }

    /// <summary>Amounts as DeepSeek shows them: at least two decimals, more only when a fraction of a cent is left.</summary>
    public static string Format(decimal amount) => amount.ToString("0.00####", CultureInfo.InvariantCulture);
}
