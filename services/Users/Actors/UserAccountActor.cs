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
/// limit. Open holds and the current minute window live in the activation's memory only, so a reservation writes
/// nothing; everything that moves money (account, ledger, charged markers) is saved in one state transaction at the
/// end of the turn that changed it (the SDK saves every key changed in the turn at once), so an account can never be
/// half-charged. See ADR 0005 for what a restart forgets and what that costs.
/// </summary>
public sealed partial class UserAccountActor(
    ActorHost host,
    PlanCatalog plans,
    IOptions<UsersOptions> options,
    TimeProvider time) : Actor(host), IUserAccountActor, IRemindable
{
    private const string AccountKey = "account";
    private const string LedgerDaysKey = "ledger-days";
    private const string ChargedKeyPrefix = "charged:";

    private readonly OpenHolds _holds = new();
    private MinuteWindow? _window;

    public async Task<QuotaDecision> Reserve(ReservationRequest request)
    {
        if (string.IsNullOrEmpty(request.RequestId) || string.IsNullOrEmpty(request.Model))
        {
            return new QuotaDecision(false, 400, "requestId and model are required to reserve.");
        }

        // The same request reserving again (a retried call) gets its hold back instead of a second one.
        if (_holds.ReservationOf(request.RequestId) is { } existing)
        {
            return new QuotaDecision(true, ReservationId: existing);
        }

        var account = await AccountAsync();
        var now = time.GetUtcNow();
        var plan = account is null ? PlanOptions.Unlimited : await plans.ForAccountAsync(account.Plan, CancellationToken.None);
        var window = MinuteWindow.Current(_window, now);
        var today = await LedgerAsync(UsageLedger.DayOf(now));
        var amount = Pricing.HoldAmount(options.Value.PriceFor(request.Model), request.PromptTokens, request.MaxCompletionTokens);
        var tokens = QuotaPolicy.EstimatedTokens(request);
        var snapshot = new QuotaSnapshot(account, plan, _holds.Amount, _holds.Tokens, _holds.Count, today?.TotalTokens ?? 0, window);

        var decision = QuotaPolicy.Decide(snapshot, request.Model, amount, tokens, now);
        if (!decision.Allowed)
        {
            return decision;
        }

        var reservationId = Guid.NewGuid().ToString("N");
        _holds.Add(reservationId, new Hold(request.RequestId, request.KeyId, request.Model, amount, tokens, now, now.AddSeconds(options.Value.ReservationTimeoutSeconds)));
        _window = window with { Requests = window.Requests + 1, Tokens = window.Tokens + tokens };
        await EnsureExpiryTimerAsync();
        var headroom = new AccountHeadroom(plan.RequestsPerMinute, plan.TokensPerMinute,
            (account?.TotalBalance ?? 0m) - snapshot.HeldAmount - amount, amount);
        return decision with { ReservationId = reservationId, Headroom = headroom };
    }

    /// <summary>Frees a hold; an unknown one (already settled, expired, or forgotten by a restart) is a no-op.</summary>
    public Task Release(ReservationRelease release)
    {
        _holds.Remove(release.ReservationId);
        return Task.CompletedTask;
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

    private Task<AccountState?> AccountAsync() => TryGetAsync<AccountState>(AccountKey);

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

        return new AccountReply(status, new AccountView(
            Id.GetId(), account.Name, account.Plan, account.Currency, account.GrantedBalance, account.ToppedUpBalance,
            account.CreatedAt, _holds.Amount, _holds.Count));
    }
}
