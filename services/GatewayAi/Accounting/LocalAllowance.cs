using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// The conservative per-user budget of this replica while users is down (issue "Resilience", fallback 1). Only users
/// that users allowed recently are eligible; each gets a fixed minute window of requests and estimated tokens.
/// A plan change (AccountChanged) forgets the user, so the next degraded request is refused until users answers.
/// </summary>
public sealed class LocalAllowance(IOptions<DegradedAllowanceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <summary>users allowed a reservation for this user just now.</summary>
    public void Vouch(string userId)
    {
        var now = time.GetUtcNow();
        _accounts.AddOrUpdate(userId, static (_, now) => new Account(now), static (_, account, now) => account.Vouch(now), now);
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

    private sealed class Account(DateTimeOffset vouchedAt)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart;
        private int _requests;
        private long _tokens;

        public DateTimeOffset VouchedAt { get; private set; } = vouchedAt;

        public Account Vouch(DateTimeOffset now)
        {
            lock (_lock)
            {
                VouchedAt = now;
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

                if (_requests + 1 > settings.RequestsPerMinute || _tokens + estimatedTokens > settings.TokensPerMinute)
                {
                    var retryAfter = (int)Math.Ceiling((_windowStart.AddMinutes(1) - now).TotalSeconds);
                    return AllowanceOutcome.Exhausted(Math.Max(1, retryAfter));
                }

                _requests++;
                _tokens += estimatedTokens;
                return AllowanceOutcome.Admitted();
            }
        }
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
