using System.Text.Json.Serialization;
using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.Monitoring.Metrics;

/// <summary>Counters of one model since the store was created.</summary>
public sealed record ModelTotals(long Requests, long PromptTokens, long PromptCacheHitTokens, long CompletionTokens, long CacheHits)
{
    public static readonly ModelTotals Zero = new(0, 0, 0, 0, 0);

    public ModelTotals Add(UsageRecorded usage) => new(
        Requests + 1,
        PromptTokens + usage.PromptTokens,
        PromptCacheHitTokens + usage.PromptCacheHitTokens,
        CompletionTokens + usage.CompletionTokens,
        CacheHits + (usage.CacheHit ? 1 : 0));

    public static ModelTotals Sum(IEnumerable<ModelTotals> all) => all.Aggregate(Zero, (a, b) => new ModelTotals(
        a.Requests + b.Requests, a.PromptTokens + b.PromptTokens, a.PromptCacheHitTokens + b.PromptCacheHitTokens,
        a.CompletionTokens + b.CompletionTokens, a.CacheHits + b.CacheHits));
}

/// <summary>All-time totals per model, one document (<c>totals</c>) in <c>monitoring-db</c>.</summary>
public sealed record UsageTotals(Dictionary<string, ModelTotals> Models)
{
    public const string StateKey = "totals";

    public static readonly UsageTotals Empty = new(new Dictionary<string, ModelTotals>());

    [JsonIgnore]
    public ModelTotals All => ModelTotals.Sum(Models.Values);

    public UsageTotals Add(UsageRecorded usage)
    {
        var models = new Dictionary<string, ModelTotals>(Models, StringComparer.Ordinal);
        models[usage.Model] = models.GetValueOrDefault(usage.Model, ModelTotals.Zero).Add(usage);
        return new UsageTotals(models);
    }
}

/// <summary>Marks an event as counted (<c>seen:&lt;eventId&gt;</c>), written with the totals in one transaction.</summary>
public sealed record SeenEvent(DateTimeOffset At)
{
    public static string StateKey(string eventId) => $"seen:{eventId}";
}
