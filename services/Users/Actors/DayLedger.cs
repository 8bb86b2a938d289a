using System.Text.Json.Serialization;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>Usage of one model (overall or through one key) on one day.</summary>
public sealed record LedgerEntry(long Requests, long PromptCacheHitTokens, long PromptCacheMissTokens, long CompletionTokens, decimal Cost)
{
    public static readonly LedgerEntry Zero = new(0, 0, 0, 0, 0m);

    [JsonIgnore]
    public long TotalTokens => PromptCacheHitTokens + PromptCacheMissTokens + CompletionTokens;

    public LedgerEntry Add(long cacheHit, long cacheMiss, long completion, decimal cost) =>
        new(Requests + 1, PromptCacheHitTokens + cacheHit, PromptCacheMissTokens + cacheMiss, CompletionTokens + completion, Cost + cost);
}

/// <summary>
/// One user's usage on one UTC day (state key <c>ledger:yyyy-MM-dd</c>): per model, and per API key then model.
/// Usage without a key id counts only in <see cref="Models"/>.
/// </summary>
public sealed record DayLedger(Dictionary<string, LedgerEntry> Models, Dictionary<string, Dictionary<string, LedgerEntry>> Keys)
{
    public static DayLedger Empty() => new(new Dictionary<string, LedgerEntry>(StringComparer.Ordinal), new Dictionary<string, Dictionary<string, LedgerEntry>>(StringComparer.Ordinal));

    [JsonIgnore]
    public long TotalTokens => Models.Values.Sum(m => m.TotalTokens);
}
