using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.State;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Quota;

/// <summary>
/// Reads account, today's ledger and the current minute's window concurrently, decides, and when the plan has
/// per-minute limits, counts the admitted request in the window with an ETag-guarded write (re-deciding on conflict),
/// so concurrent requests cannot exceed the limit.
/// </summary>
public sealed class QuotaService(IJsonStateStore store, IOptions<UsersOptions> options, TimeProvider time)
{
    private const int RateWindowTtlSeconds = 120;
    private static readonly UsersJsonContext Json = UsersJsonContext.Default;

    public Task<QuotaDecision> CheckAsync(QuotaCheckRequest request, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("quota check", async ct =>
        {
            var now = time.GetUtcNow();
            var accountRead = store.GetAsync(UserAccount.StateKey(request.UserId), Json.UserAccount, ct);
            var ledgerRead = store.GetAsync(DailyUsage.StateKey(request.UserId, DateOnly.FromDateTime(now.UtcDateTime)), Json.DailyUsage, ct);
            var windowRead = store.GetAsync(RateWindow.StateKey(request.UserId, now), Json.RateWindow, ct);
            await Task.WhenAll(accountRead, ledgerRead, windowRead);

            var account = await accountRead;
            var ledger = (await ledgerRead).Value;
            var plan = options.Value.PlanFor(account.Value?.Plan);
            var window = plan.HasMinuteLimits ? await windowRead : null;

            var decision = QuotaPolicy.Decide(
                account.Value, plan, request.Model, request.EstimatedTokens,
                ledger?.TotalTokens ?? 0, window?.Value ?? RateWindow.Empty, now);
            if (!decision.Allowed || window is null)
            {
                return Attempt<QuotaDecision>.Done(decision);
            }

            var current = window.Value ?? RateWindow.Empty;
            var counted = current with { Requests = current.Requests + 1, Tokens = current.Tokens + Math.Max(request.EstimatedTokens, 0) };
            var committed = await store.TryCommitAsync(
                [StateOperation.Put(window.Key, counted, Json.RateWindow, window.ETag, RateWindowTtlSeconds)], ct);
            return committed ? Attempt<QuotaDecision>.Done(decision) : Attempt<QuotaDecision>.Conflict();
        }, cancellationToken);
}
