using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Accounts;

public enum ChargeOutcome
{
    Charged,
    AlreadyCharged,
    UnknownUser,
}

public sealed record ChargeResult(ChargeOutcome Outcome, decimal Cost);

/// <summary>
/// Charges one <see cref="UsageRecorded"/> exactly once. The balance, the day's ledger and the event's charge marker are
/// written in one transaction: the account is guarded by its ETag and the marker must not exist yet, so a redelivered
/// or concurrently delivered event either finds the marker or loses the race and retries into finding it.
/// </summary>
public sealed class UsageCharger(IJsonStateStore store, IOptions<UsersOptions> options, TimeProvider time)
{
    private static readonly UsersJsonContext Json = UsersJsonContext.Default;

    // Concurrent deliveries for one user queue here instead of fighting over the account's ETag.
    private readonly KeyedLock _perUser = new();

    public async Task<ChargeResult> ChargeAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        using var turn = await _perUser.AcquireAsync(usage.UserId, cancellationToken);
        return await ChargeOnceAsync(usage, cancellationToken);
    }

    private Task<ChargeResult> ChargeOnceAsync(UsageRecorded usage, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("charge usage", async ct =>
        {
            var day = DateOnly.FromDateTime(usage.OccurredAt.UtcDateTime);
            var markerRead = store.GetAsync(ChargeRecord.StateKey(usage.EventId), Json.ChargeRecord, ct);
            var accountRead = store.GetAsync(UserAccount.StateKey(usage.UserId), Json.UserAccount, ct);
            var ledgerRead = store.GetAsync(DailyUsage.StateKey(usage.UserId, day), Json.DailyUsage, ct);
            await Task.WhenAll(markerRead, accountRead, ledgerRead);

            if ((await markerRead).Value is { } marker)
            {
                return Attempt<ChargeResult>.Done(new ChargeResult(ChargeOutcome.AlreadyCharged, marker.Cost));
            }

            var account = await accountRead;
            if (account.Value is null)
            {
                return Attempt<ChargeResult>.Done(new ChargeResult(ChargeOutcome.UnknownUser, 0m));
            }

            var ledger = await ledgerRead;
            var cost = Pricing.Cost(options.Value.PriceFor(usage.Model), usage);
            var committed = await store.TryCommitAsync(
            [
                StateOperation.Put(account.Key, Pricing.Charge(account.Value, cost), Json.UserAccount, account.ETag),
                StateOperation.Put(ledger.Key, Pricing.AddToLedger(ledger.Value ?? DailyUsage.Empty, usage, cost), Json.DailyUsage, ledger.ETag),
                StateOperation.Put(ChargeRecord.StateKey(usage.EventId), new ChargeRecord(usage.EventId, usage.UserId, usage.Model, cost, time.GetUtcNow()), Json.ChargeRecord, etag: null),
            ], ct);
            return committed ? Attempt<ChargeResult>.Done(new ChargeResult(ChargeOutcome.Charged, cost)) : Attempt<ChargeResult>.Conflict();
        }, cancellationToken);
}
