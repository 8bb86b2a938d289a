using System.Globalization;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>Users, balances and the usage ledger in <c>users-db</c>.</summary>
public sealed class AccountService(IJsonStateStore store, IOptions<UsersOptions> options, TimeProvider time)
{
    public const int MaxReportDays = 366;
    private static readonly UsersJsonContext Json = UsersJsonContext.Default;

    public async Task<UserAccount?> GetAsync(string userId, CancellationToken cancellationToken) =>
        (await store.GetAsync(UserAccount.StateKey(userId), Json.UserAccount, cancellationToken)).Value;

    /// <summary>Creates the account; null when the id is taken (the existing account is not changed).</summary>
    public async Task<UserAccount?> CreateAsync(string userId, string name, string? plan, decimal grantedBalance, CancellationToken cancellationToken)
    {
        var account = new UserAccount(userId, name, plan ?? options.Value.DefaultPlan, time.GetUtcNow(), options.Value.Currency, grantedBalance, 0m);
        var created = await store.TryCommitAsync([StateOperation.Put(UserAccount.StateKey(userId), account, Json.UserAccount, etag: null)], cancellationToken);
        return created ? account : null;
    }

    /// <summary>Adds money (ETag-safe against concurrent charges); null when the user does not exist.</summary>
    public Task<UserAccount?> TopUpAsync(string userId, decimal amount, bool granted, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("top up", async ct =>
        {
            var entry = await store.GetAsync(UserAccount.StateKey(userId), Json.UserAccount, ct);
            if (entry.Value is null)
            {
                return Attempt<UserAccount?>.Done(null);
            }

            var updated = granted
                ? entry.Value with { GrantedBalance = entry.Value.GrantedBalance + amount }
                : entry.Value with { ToppedUpBalance = entry.Value.ToppedUpBalance + amount };
            var committed = await store.TryCommitAsync([StateOperation.Put(entry.Key, updated, Json.UserAccount, entry.ETag)], ct);
            return committed ? Attempt<UserAccount?>.Done(updated) : Attempt<UserAccount?>.Conflict();
        }, cancellationToken);

    public static UserBalance ToBalance(UserAccount account) => new(
        account.TotalBalance > 0m,
        [new BalanceInfo(account.Currency, Pricing.Format(account.TotalBalance), Pricing.Format(account.GrantedBalance), Pricing.Format(account.ToppedUpBalance))]);

    public static UserInfo ToInfo(UserAccount account) => new(account.Id, account.Name, account.Plan, account.CreatedAt);

    /// <summary>Usage lines per UTC day and model, from the ledger documents of each day in [from, to].</summary>
    public async Task<UsageReport> UsageAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        var entries = await store.GetManyAsync(days.Select(d => DailyUsage.StateKey(userId, d)).ToList(), Json.DailyUsage, cancellationToken);
        var lines = days.Zip(entries)
            .Where(x => x.Second.Value is not null)
            .SelectMany(x => x.Second.Value!.Models.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new UsageLine(
                x.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                m.Key,
                m.Value.Requests,
                m.Value.PromptTokens,
                m.Value.PromptCacheHitTokens,
                m.Value.PromptTokens - m.Value.PromptCacheHitTokens,
                m.Value.CompletionTokens,
                m.Value.PromptTokens + m.Value.CompletionTokens,
                Pricing.Format(m.Value.Cost))))
            .ToList();
        return new UsageReport(userId, Iso(from), Iso(to), options.Value.Currency, lines);
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
