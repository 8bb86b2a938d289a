using System.Globalization;
using Dapr.Actors.Runtime;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Plans;
using DeepSeek.Dapr.Users.Quota;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>
/// One user's account, holds, rate window and ledger (actor id = user id). The runtime runs one call per actor at a
/// time, so every decision sees the effect of the previous one: concurrent requests cannot over-spend or exceed a
/// limit. A turn reads the state cached by the SDK for this activation and ends with one state transaction (the SDK
/// saves every key changed in the turn at once), so an account can never be half-charged.
/// </summary>
public sealed partial class UserAccountActor(
    ActorHost host,
    PlanCatalog plans,
    IOptions<UsersOptions> options,
    TimeProvider time) : Actor(host), IUserAccountActor, IRemindable
{
    public const string ExpireHoldsReminder = "expire-holds";

    private const string AccountKey = "account";
    private const string HoldsKey = "holds";
    private const string WindowKey = "window";
    private const string LedgerDaysKey = "ledger-days";
    private const string ChargedKeyPrefix = "charged:";

    // Charged markers stay in the SDK's per-activation cache once written; past this many the cache is dropped so a
    // busy account that is never idle long enough to deactivate does not grow without bound.
    private const int MaxCachedMarkers = 5_000;

    private bool _sweepRegistered;
    private int _markersCached;

    public async Task<QuotaDecision> Reserve(ReservationRequest request)
    {
        if (string.IsNullOrEmpty(request.RequestId) || string.IsNullOrEmpty(request.Model))
        {
            return new QuotaDecision(false, 400, "requestId and model are required to reserve.");
        }

        var holds = await HoldsAsync();
        foreach (var (id, open) in holds)
        {
            // The same request reserving again (a retried call) gets its hold back instead of a second one.
            if (open.RequestId == request.RequestId)
            {
                return new QuotaDecision(true, ReservationId: id);
            }
        }

        var account = await AccountAsync();
        var now = time.GetUtcNow();
        var plan = account is null ? PlanOptions.Unlimited : await plans.ForAccountAsync(account.Plan, CancellationToken.None);
        var window = MinuteWindow.Current(await TryGetAsync<MinuteWindow>(WindowKey), now);
        var today = await LedgerAsync(UsageLedger.DayOf(now));
        var amount = Pricing.HoldAmount(options.Value.PriceFor(request.Model), request.PromptTokens, request.MaxCompletionTokens);
        var tokens = QuotaPolicy.EstimatedTokens(request);
        var snapshot = new QuotaSnapshot(
            account, plan, holds.Values.Sum(h => h.Amount), holds.Values.Sum(h => h.Tokens), holds.Count, today?.TotalTokens ?? 0, window);

        var decision = QuotaPolicy.Decide(snapshot, request.Model, amount, tokens, now);
        if (!decision.Allowed)
        {
            return decision;
        }

        var reservationId = Guid.NewGuid().ToString("N");
        holds[reservationId] = new Hold(request.RequestId, request.KeyId, request.Model, amount, tokens, now, now.AddSeconds(options.Value.ReservationTimeoutSeconds));
        await StateManager.SetStateAsync(HoldsKey, holds);
        await StateManager.SetStateAsync(WindowKey, window with { Requests = window.Requests + 1, Tokens = window.Tokens + tokens });
        await EnsureSweepAsync();
        var headroom = new AccountHeadroom(plan.RequestsPerMinute, plan.TokensPerMinute,
            (account?.TotalBalance ?? 0m) - snapshot.HeldAmount - amount, amount);
        return decision with { ReservationId = reservationId, Headroom = headroom };
    }

    public async Task Release(ReservationRelease release)
    {
        var holds = await HoldsAsync();
        if (!string.IsNullOrEmpty(release.ReservationId) && holds.Remove(release.ReservationId))
        {
            await StateManager.SetStateAsync(HoldsKey, holds);
        }
    }

    public async Task<SettlementResult> Settle(UsageRecorded usage)
    {
        ArgumentException.ThrowIfNullOrEmpty(usage.EventId);
        ArgumentException.ThrowIfNullOrEmpty(usage.Model);
        var account = await AccountAsync();
        if (account is null)
        {
            return new SettlementResult(SettlementOutcomes.UnknownUser, 0m);
        }

        // Settling removes the hold and writes the marker in one transaction: an open hold proves the event is not
        // charged yet, which spares the marker read on the hot path. Usage without a hold (reconciliation after the
        // gateway's fallback, a redelivery, an expired hold) is checked against the marker.
        var holds = await HoldsAsync();
        var held = usage.ReservationId is { } reservationId && holds.Remove(reservationId);
        var markerKey = ChargedKeyPrefix + usage.EventId;
        if (!held && await TryGetAsync<ChargedMarker>(markerKey) is { } marker)
        {
            return new SettlementResult(SettlementOutcomes.AlreadyCharged, marker.Cost);
        }

        var cost = Pricing.Cost(options.Value.PriceFor(usage.Model), usage);
        var day = UsageLedger.DayOf(usage.OccurredAt);
        var ledger = await LedgerAsync(day) ?? await StartLedgerAsync(day);
        UsageLedger.Add(ledger, usage, cost);

        await StateManager.SetStateAsync(AccountKey, Pricing.Charge(account, cost));
        await StateManager.SetStateAsync(UsageLedger.StateKey(day), ledger);
        if (held)
        {
            await StateManager.SetStateAsync(HoldsKey, holds);
        }

        await StateManager.SetStateAsync(markerKey, new ChargedMarker(cost, time.GetUtcNow()), TimeSpan.FromDays(options.Value.ChargedEventRetentionDays));
        await TrimMarkerCacheAsync();
        return new SettlementResult(SettlementOutcomes.Charged, cost);
    }

    public async Task<AccountReply> Create(CreateAccount command)
    {
        if (await AccountAsync() is not null)
        {
            return await ReplyAsync(AccountStatus.Exists);
        }

        var account = new AccountState(command.Name, command.Plan, options.Value.Currency, command.GrantedBalance, 0m, time.GetUtcNow());
        await StateManager.SetStateAsync(AccountKey, account);
        return await ReplyAsync(AccountStatus.Created, account);
    }

    public async Task<AccountReply> Get() => await ReplyAsync(AccountStatus.Ok);

    public async Task<AccountReply> Update(UpdateUserRequest command)
    {
        if (await AccountAsync() is not { } account)
        {
            return new AccountReply(AccountStatus.NotFound, null);
        }

        var updated = account with { Name = command.Name ?? account.Name, Plan = command.Plan ?? account.Plan };
        if (updated != account)
        {
            await StateManager.SetStateAsync(AccountKey, updated);
        }

        return (await ReplyAsync(AccountStatus.Ok, updated)) with { PlanChanged = !string.Equals(updated.Plan, account.Plan, StringComparison.Ordinal) };
    }

    public async Task<AccountReply> TopUp(TopUpRequest command)
    {
        if (await AccountAsync() is not { } account)
        {
            return new AccountReply(AccountStatus.NotFound, null);
        }

        var updated = command.Granted
            ? account with { GrantedBalance = account.GrantedBalance + command.Amount }
            : account with { ToppedUpBalance = account.ToppedUpBalance + command.Amount };
        await StateManager.SetStateAsync(AccountKey, updated);
        return await ReplyAsync(AccountStatus.Ok, updated);
    }

    public async Task<UsageReply> Usage(UsageQuery query)
    {
        if (await AccountAsync() is not { } account)
        {
            return new UsageReply(false, options.Value.Currency, []);
        }

        var lines = new List<UsageLine>();
        foreach (var iso in await LedgerDaysAsync())
        {
            var day = DateOnly.ParseExact(iso, UsageLedger.DayFormat, CultureInfo.InvariantCulture);
            if (day >= query.From && day <= query.To && await LedgerAsync(day) is { } ledger)
            {
                lines.AddRange(UsageLedger.Lines(day, ledger, query.KeyId));
            }
        }

        return new UsageReply(true, account.Currency, lines);
    }

    /// <summary>The <c>expire-holds</c> reminder: drops holds of requests that never settled nor released them.</summary>
    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName != ExpireHoldsReminder)
        {
            return;
        }

        var holds = await HoldsAsync();
        var now = time.GetUtcNow();
        var expired = holds.Where(h => h.Value.ExpiresAt <= now).Select(h => h.Key).ToList();
        foreach (var id in expired)
        {
            holds.Remove(id);
        }

        if (expired.Count > 0)
        {
            await StateManager.SetStateAsync(HoldsKey, holds);
            LogExpired(Logger, Id.GetId(), expired.Count);
        }

        if (holds.Count == 0)
        {
            await UnregisterReminderAsync(ExpireHoldsReminder);
            _sweepRegistered = false;
        }
    }

    /// <summary>Registers the sweep once per activation while holds exist; the sweep unregisters itself when none is left.</summary>
    private async Task EnsureSweepAsync()
    {
        if (_sweepRegistered)
        {
            return;
        }

        var period = TimeSpan.FromSeconds(Math.Max(options.Value.ReservationSweepSeconds, 1));
        await RegisterReminderAsync(ExpireHoldsReminder, [], period, period);
        _sweepRegistered = true;
    }

    private async Task TrimMarkerCacheAsync()
    {
        if (++_markersCached < MaxCachedMarkers)
        {
            return;
        }

        // Save this turn's changes now (the SDK's save after the method then finds nothing to write), then start
        // with an empty cache: the next turn reads account, holds and ledger back once.
        await StateManager.SaveStateAsync();
        await StateManager.ClearCacheAsync();
        _markersCached = 0;
    }

    private Task<AccountState?> AccountAsync() => TryGetAsync<AccountState>(AccountKey);

    private async Task<Dictionary<string, Hold>> HoldsAsync() =>
        await TryGetAsync<Dictionary<string, Hold>>(HoldsKey) ?? new Dictionary<string, Hold>(StringComparer.Ordinal);

    private async Task<List<string>> LedgerDaysAsync() => await TryGetAsync<List<string>>(LedgerDaysKey) ?? [];

    /// <summary>The day's ledger; days without one are known from the day list, so no store read is wasted on them.</summary>
    private async Task<DayLedger?> LedgerAsync(DateOnly day)
    {
        var days = await LedgerDaysAsync();
        return days.Contains(UsageLedger.Iso(day)) ? await TryGetAsync<DayLedger>(UsageLedger.StateKey(day)) : null;
    }

    private async Task<DayLedger> StartLedgerAsync(DateOnly day)
    {
        var days = await LedgerDaysAsync();
        var iso = UsageLedger.Iso(day);
        var at = days.BinarySearch(iso, StringComparer.Ordinal);
        if (at < 0)
        {
            days.Insert(~at, iso);
            await StateManager.SetStateAsync(LedgerDaysKey, days);
        }

        return DayLedger.Empty();
    }

    private async Task<T?> TryGetAsync<T>(string key)
        where T : class
    {
        var value = await StateManager.TryGetStateAsync<T>(key);
        return value.HasValue ? value.Value : null;
    }

    private async Task<AccountReply> ReplyAsync(AccountStatus status, AccountState? account = null)
    {
        account ??= await AccountAsync();
        if (account is null)
        {
            return new AccountReply(AccountStatus.NotFound, null);
        }

        var holds = await HoldsAsync();
        return new AccountReply(status, new AccountView(
            Id.GetId(), account.Name, account.Plan, account.Currency, account.GrantedBalance, account.ToppedUpBalance,
            account.CreatedAt, holds.Values.Sum(h => h.Amount), holds.Count));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} expired holds of {UserId}")]
    private static partial void LogExpired(ILogger logger, string userId, int count);
}
