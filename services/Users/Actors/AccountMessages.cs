using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>Outcomes of <see cref="SettlementResult.Outcome"/>.</summary>
public static class SettlementOutcomes
{
    public const string Charged = "charged";
    public const string AlreadyCharged = "already_charged";
    public const string UnknownUser = "unknown_user";

    /// <summary>The event lacks its id or model, or belongs to another user: it can never be charged here.</summary>
    public const string Invalid = "invalid";
}

public sealed record CreateAccount(string Name, string Plan, decimal GrantedBalance);

public enum AccountStatus
{
    Ok,
    Created,
    Exists,
    NotFound,
}

/// <summary>An account as the internal API shows it, with what its open holds keep aside.</summary>
public sealed record AccountView(
    string Id,
    string Name,
    string Plan,
    string Currency,
    decimal GrantedBalance,
    decimal ToppedUpBalance,
    DateTimeOffset CreatedAt,
    decimal HeldAmount,
    int OpenHolds);

/// <summary>Reply of the account operations; <see cref="PlanChanged"/> tells the caller to announce the change.</summary>
public sealed record AccountReply(AccountStatus Status, AccountView? Account, bool PlanChanged = false);

public sealed record UsageQuery(DateOnly From, DateOnly To, string? KeyId);

public sealed record UsageReply(bool Found, string Currency, List<UsageLine> Lines);
