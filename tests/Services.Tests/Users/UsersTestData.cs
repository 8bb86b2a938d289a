using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Users;

namespace Services.Tests.Users;

internal static class UsersTestData
{
    public static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 20, TimeSpan.Zero);

    public static PriceOptions ChatPrice => new() { InputCacheHit = 0.028m, InputCacheMiss = 0.28m, Output = 0.42m };

    public static UsersOptions Options(PlanOptions? plan = null) => new()
    {
        Currency = "USD",
        DefaultPlan = "default",
        Plans = new(StringComparer.OrdinalIgnoreCase) { ["default"] = plan ?? new PlanOptions(), ["unlimited"] = PlanOptions.Unlimited },
        Prices = new(StringComparer.OrdinalIgnoreCase) { ["deepseek-chat"] = ChatPrice },
        DefaultPrice = new PriceOptions { InputCacheHit = 1m, InputCacheMiss = 2m, Output = 3m },
    };

    public static string NewUserId() => "u-" + Guid.NewGuid().ToString("n")[..12];

    public static UsageRecorded Usage(string userId, int prompt = 1000, int hit = 400, int completion = 500, string model = "deepseek-chat", DateTimeOffset? at = null, string? eventId = null) =>
        new(eventId ?? Guid.NewGuid().ToString("n"), "req-" + Guid.NewGuid().ToString("n")[..8], userId, "keyid", model,
            prompt, completion, hit, CacheHit: false, Streamed: false, LatencyMs: 12.5, at ?? Noon);
}
