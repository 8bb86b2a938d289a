using System.Collections.Concurrent;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// The conservative per-user budget of this replica while users is down (issue "Resilience", fallback 1). Only users
/// that users allowed recently are eligible. Each gets a minute window sized by its plan's limits as users last
/// reported them, and a money budget: a share of what was left, in holds the size of the last one. A plan change
/// (AccountChanged) forgets the user, so the next degraded request is refused until users answers.
/// </summary>
public sealed class LocalAllowance(IOptions<DegradedAllowanceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <summary>users allowed a reservation for this user just now, and said what was left (<paramref name="headroom"/>).</summary>
    public void Vouch(string userId, AccountHeadroom? headroom = null)
    {
        var now = time.GetUtcNow();
        _accounts.AddOrUpdate(userId,
            static (_, arg) => new Account(arg.now, arg.headroom),
            static (_, account, arg) => account.Vouch(arg.now, arg.headroom),
            (now, headroom));
    }

    /// <summary>users refused this user: no degraded admission until it allows one again.</summary>
    public void Revoke(string userId) => _accounts.TryRemove(userId, out _);

    public void Forget(string userId)
    {
        if (userId == "*")
        {
            _accounts.Clear();
        }
        else
        {
            _accounts.TryRemove(userId, out _);
        }
    }

    public AllowanceOutcome TryTake(string userId, int estimatedTokens)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (!_accounts.TryGetValue(userId, out var account) || (now - account.VouchedAt).TotalSeconds > settings.VouchSeconds)
        {
            return AllowanceOutcome.Unknown();
        }

        return account.TryTake(now, estimatedTokens, settings);
    }

    private sealed class Account(DateTimeOffset vouchedAt, AccountHeadroom? headroom)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart;
        private int _requests;
        private long _tokens;
        private AccountHeadroom? _headroom = headroom;

        // Degraded admissions since users last vouched: they spend the money budget of that vouch.
        private long _spent;

        public DateTimeOffset VouchedAt { get; private set; } = vouchedAt;

        public Account Vouch(DateTimeOffset now, AccountHeadroom? headroom)
        {
            lock (_lock)
            {
                VouchedAt = now;
                _headroom = headroom;
                _spent = 0;
            }

            return this;
        }

        public AllowanceOutcome TryTake(DateTimeOffset now, int estimatedTokens, DegradedAllowanceOptions settings)
        {
            lock (_lock)
            {
                if (now - _windowStart >= TimeSpan.FromMinutes(1))
                {
                    _windowStart = now;
                    _requests = 0;
                    _tokens = 0;
                }

                if (_headroom is { HoldAmount: > 0 } money && _spent + 1 > MoneyBudget(money, settings))
                {
                    // The share of the balance is spent: only users can say whether more is allowed.
                    return AllowanceOutcome.Unknown();
                }

                var (requestLimit, tokenLimit) = MinuteLimits(_headroom, settings);
                if (_requests + 1 > requestLimit || _tokens + estimatedTokens > tokenLimit)
                {
                    var retryAfter = (int)Math.Ceiling((_windowStart.AddMinutes(1) - now).TotalSeconds);
                    return AllowanceOutcome.Exhausted(Math.Max(1, retryAfter));
                }

                _requests++;
                _tokens += estimatedTokens;
                _spent++;
                return AllowanceOutcome.Admitted();
            }
        }

        private static long MoneyBudget(AccountHeadroom money, DegradedAllowanceOptions settings) =>
            money.AvailableAfterHold <= 0 ? 0 : (long)Math.Floor(settings.BalanceShare * money.AvailableAfterHold / money.HoldAmount);

        private static (long Requests, long Tokens) MinuteLimits(AccountHeadroom? plan, DegradedAllowanceOptions settings) => plan is null
            ? (settings.RequestsPerMinute, settings.TokensPerMinute)
            : (plan.RequestsPerMinute > 0 ? plan.RequestsPerMinute : settings.UnlimitedRequestsPerMinute,
               plan.TokensPerMinute > 0 ? plan.TokensPerMinute : long.MaxValue);
    }
}

/// <summary>Result of a degraded admission: admitted, over the allowance (retry after N s), or a user we cannot vouch for.</summary>
public readonly record struct AllowanceOutcome(AllowanceVerdict Verdict, int RetryAfterSeconds)
{
    public static AllowanceOutcome Admitted() => new(AllowanceVerdict.Admitted, 0);

    public static AllowanceOutcome Exhausted(int retryAfterSeconds) => new(AllowanceVerdict.Exhausted, retryAfterSeconds);

    public static AllowanceOutcome Unknown() => new(AllowanceVerdict.Unknown, 0);
}

public enum AllowanceVerdict
{
    Admitted,
    Exhausted,
    Unknown,
}
