using System.Globalization;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Accounts;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>Adding usage to a day's ledger and reading it back as report lines. Pure, so it is unit-tested directly.</summary>
public static class UsageLedger
{
    public const string DayFormat = "yyyy-MM-dd";

    public static string StateKey(DateOnly day) => "ledger:" + Iso(day);

    public static string Iso(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Counts one request in the day's ledger, per model and (when the usage names one) per key and model.</summary>
    public static void Add(DayLedger ledger, UsageRecorded usage, decimal cost)
    {
        var prompt = Math.Max(usage.PromptTokens, 0);
        var hit = Math.Clamp(usage.PromptCacheHitTokens, 0, prompt);
        var completion = Math.Max(usage.CompletionTokens, 0);
        ledger.Models[usage.Model] = ledger.Models.GetValueOrDefault(usage.Model, LedgerEntry.Zero).Add(hit, prompt - hit, completion, cost);
        if (string.IsNullOrEmpty(usage.KeyId))
        {
            return;
        }

        if (!ledger.Keys.TryGetValue(usage.KeyId, out var byModel))
        {
            byModel = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
            ledger.Keys[usage.KeyId] = byModel;
        }

        byModel[usage.Model] = byModel.GetValueOrDefault(usage.Model, LedgerEntry.Zero).Add(hit, prompt - hit, completion, cost);
    }

    /// <summary>The day's lines ordered by model: all usage, or only that of <paramref name="keyId"/> (then the lines carry it).</summary>
    public static IEnumerable<UsageLine> Lines(DateOnly day, DayLedger ledger, string? keyId)
    {
        var entries = keyId is null ? ledger.Models : ledger.Keys.GetValueOrDefault(keyId);
        if (entries is null)
        {
            return [];
        }

        var date = Iso(day);
        return entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new UsageLine(
            date,
            e.Key,
            e.Value.Requests,
            e.Value.PromptCacheHitTokens + e.Value.PromptCacheMissTokens,
            e.Value.PromptCacheHitTokens,
            e.Value.PromptCacheMissTokens,
            e.Value.CompletionTokens,
            e.Value.TotalTokens,
            Pricing.Format(e.Value.Cost),
            keyId));
    }
}
