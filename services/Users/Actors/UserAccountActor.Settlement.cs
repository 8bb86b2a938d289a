using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>Charging usage: one event (<c>Settle</c>) or a batch of them (<c>SettleMany</c>), each in one turn and one transaction.</summary>
public sealed partial class UserAccountActor
{
    // Charged markers stay in the SDK's per-activation cache once written; past this many the cache is dropped so a
    // busy account that is never idle long enough to deactivate does not grow without bound.
    private const int MaxCachedMarkers = 5_000;

    private int _markersCached;

    public async Task<SettlementResult> Settle(UsageRecorded usage)
    {
        ArgumentException.ThrowIfNullOrEmpty(usage.EventId);
        ArgumentException.ThrowIfNullOrEmpty(usage.Model);
        return (await SettleMany([usage]))[0];
    }

    /// <summary>
    /// Charges a batch of usage events in one turn: balance, ledgers and one charged marker per event are saved by
    /// the single state transaction that ends the turn. Each event is charged at most once, whether it repeats inside
    /// the batch or was charged by an earlier turn (its marker). Results are in the order of <paramref name="usages"/>.
    /// </summary>
    public async Task<List<SettlementResult>> SettleMany(List<UsageRecorded> usages)
    {
        ArgumentNullException.ThrowIfNull(usages);
        var results = new List<SettlementResult>(usages.Count);
        var account = await AccountAsync();
        var chargedNow = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var ledgers = new Dictionary<DateOnly, DayLedger>();
        foreach (var usage in usages)
        {
            if (!BelongsHere(usage))
            {
                results.Add(new SettlementResult(SettlementOutcomes.Invalid, 0m));
                continue;
            }

            if (account is null)
            {
                results.Add(new SettlementResult(SettlementOutcomes.UnknownUser, 0m));
                continue;
            }

            if (chargedNow.TryGetValue(usage.EventId, out var earlier))
            {
                results.Add(new SettlementResult(SettlementOutcomes.AlreadyCharged, earlier));
                continue;
            }

            // The hold is dropped before anything is saved: an open hold then proves its event was never charged,
            // which spares the marker read on the hot path. Usage without a known hold (the gateway's fallback, a
            // redelivery, an expired hold, a hold forgotten by a restart) is checked against the marker.
            var held = _holds.Remove(usage.ReservationId);
            var markerKey = ChargedKeyPrefix + usage.EventId;
            if (!held && await TryGetAsync<ChargedMarker>(markerKey) is { } marker)
            {
                results.Add(new SettlementResult(SettlementOutcomes.AlreadyCharged, marker.Cost));
                continue;
            }

            var cost = Pricing.Cost(options.Value.PriceFor(usage.Model), usage);
            var day = UsageLedger.DayOf(usage.OccurredAt);
            if (!ledgers.TryGetValue(day, out var ledger))
            {
                ledger = await LedgerAsync(day) ?? await StartLedgerAsync(day);
                ledgers[day] = ledger;
            }

            UsageLedger.Add(ledger, usage, cost);
            account = Pricing.Charge(account, cost);
            await StateManager.SetStateAsync(markerKey, new ChargedMarker(cost, time.GetUtcNow()), TimeSpan.FromDays(options.Value.ChargedEventRetentionDays));
            chargedNow[usage.EventId] = cost;
            results.Add(new SettlementResult(SettlementOutcomes.Charged, cost));
        }

        if (chargedNow.Count > 0)
        {
            await StateManager.SetStateAsync(AccountKey, account!);
            foreach (var (day, ledger) in ledgers)
            {
                await StateManager.SetStateAsync(UsageLedger.StateKey(day), ledger);
            }

            await TrimMarkerCacheAsync(chargedNow.Count);
        }

        return results;
    }

    /// <summary>An event this account can charge: it names the event, the model, and this user (never another's money).</summary>
    private bool BelongsHere(UsageRecorded usage) =>
        !string.IsNullOrEmpty(usage.EventId) && !string.IsNullOrEmpty(usage.Model) && string.Equals(usage.UserId, Id.GetId(), StringComparison.Ordinal);

    private async Task TrimMarkerCacheAsync(int written)
    {
        _markersCached += written;
        if (_markersCached < MaxCachedMarkers)
        {
            return;
        }

        // Save this turn's changes now (the SDK's save after the method then finds nothing to write), then start
        // with an empty cache: the next turn reads account and ledger back once.
        await StateManager.SaveStateAsync();
        await StateManager.ClearCacheAsync();
        _markersCached = 0;
    }
}
