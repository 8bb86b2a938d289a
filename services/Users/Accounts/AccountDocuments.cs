using System.Text.Json.Serialization;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>A user and their balance, one document (<c>user:&lt;id&gt;</c>) so every charge and top-up is one ETag-guarded write.</summary>
public sealed record UserAccount(
    string Id,
    string Name,
    string Plan,
    DateTimeOffset CreatedAt,
    string Currency,
    decimal GrantedBalance,
    decimal ToppedUpBalance)
{
    [JsonIgnore]
    public decimal TotalBalance => GrantedBalance + ToppedUpBalance;

    public static string StateKey(string userId) => $"user:{userId}";
}

/// <summary>Usage of one user on one UTC day, per model (<c>ledger:&lt;user&gt;:&lt;yyyy-MM-dd&gt;</c>).</summary>
public sealed record DailyUsage(Dictionary<string, ModelUsage> Models)
{
    public static readonly DailyUsage Empty = new(new Dictionary<string, ModelUsage>());

    [JsonIgnore]
    public long TotalTokens => Models.Values.Sum(m => m.PromptTokens + m.CompletionTokens);

    public static string StateKey(string userId, DateOnly day) => $"ledger:{userId}:{day:yyyy-MM-dd}";
}

public sealed record ModelUsage(long Requests, long PromptTokens, long PromptCacheHitTokens, long CompletionTokens, decimal Cost)
{
    public static readonly ModelUsage Zero = new(0, 0, 0, 0, 0m);
}

/// <summary>Marks a usage event as charged (<c>charged:&lt;eventId&gt;</c>); written in the same transaction as the charge.</summary>
public sealed record ChargeRecord(string EventId, string UserId, string Model, decimal Cost, DateTimeOffset ChargedAt)
{
    public static string StateKey(string eventId) => $"charged:{eventId}";
}

/// <summary>Requests and estimated tokens admitted in one UTC minute (<c>rate:&lt;user&gt;:&lt;yyyyMMddHHmm&gt;</c>).</summary>
public sealed record RateWindow(int Requests, long Tokens)
{
    public static readonly RateWindow Empty = new(0, 0);

    public static string StateKey(string userId, DateTimeOffset minute) => $"rate:{userId}:{minute.UtcDateTime:yyyyMMddHHmm}";
}
