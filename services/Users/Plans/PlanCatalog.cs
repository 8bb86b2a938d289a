using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Plans;

/// <summary>
/// The plans: the configured ones (<c>Users:Plans</c>) overlaid by those edited at runtime, which live in one
/// <c>users-db</c> document (<c>plans</c>). Every reservation needs its user's plan, so the merged set is kept in
/// memory and re-read only when older than <see cref="UsersOptions.PlanRefreshSeconds"/> (another users instance may
/// have edited it, and its account-changed broadcast for <c>*</c> makes this copy stale at once); an edit here
/// replaces the copy at once.
/// </summary>
public sealed partial class PlanCatalog(IJsonStateStore store, IOptions<UsersOptions> options, TimeProvider time, ILogger<PlanCatalog> logger)
{
    public const string StateKey = "plans";

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot? _snapshot;

    public async ValueTask<IReadOnlyDictionary<string, PlanOptions>> AllAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        return current is not null && IsFresh(current) ? current.Plans : await ReloadAsync(current, cancellationToken);
    }

    public async ValueTask<PlanOptions?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).GetValueOrDefault(name);

    /// <summary>The plan an account is on; an account whose plan no longer exists falls back to the default plan.</summary>
    public async ValueTask<PlanOptions> ForAccountAsync(string name, CancellationToken cancellationToken)
    {
        var plans = await AllAsync(cancellationToken);
        return plans.GetValueOrDefault(name) ?? plans.GetValueOrDefault(options.Value.DefaultPlan) ?? PlanOptions.Unlimited;
    }

    /// <summary>Adds or replaces a runtime plan (ETag-guarded against a concurrent edit) and returns it as stored.</summary>
    public async Task<PlanInfo> SaveAsync(PlanInfo plan, CancellationToken cancellationToken)
    {
        var stored = await OptimisticConcurrency.RetryAsync("save plan", async ct =>
        {
            var entry = await store.GetAsync(StateKey, UsersJsonContext.Default.DictionaryStringPlanInfo, ct);
            var plans = new Dictionary<string, PlanInfo>(entry.Value ?? [], StringComparer.OrdinalIgnoreCase) { [plan.Name] = plan };
            var committed = await store.TryCommitAsync([StateOperation.Put(StateKey, plans, UsersJsonContext.Default.DictionaryStringPlanInfo, entry.ETag)], ct);
            return committed ? Attempt<Dictionary<string, PlanInfo>>.Done(plans) : Attempt<Dictionary<string, PlanInfo>>.Conflict();
        }, cancellationToken);
        _snapshot = new Snapshot(Merge(stored), time.GetUtcNow());
        return plan;
    }

    /// <summary>Makes the next read go to the store (another users instance edited a plan).</summary>
    public void Invalidate()
    {
        if (_snapshot is { } current)
        {
            _snapshot = current with { LoadedAt = DateTimeOffset.MinValue };
        }
    }

    public static PlanInfo ToInfo(string name, PlanOptions plan) =>
        new(name, plan.RequestsPerMinute, plan.TokensPerMinute, plan.TokensPerDay, plan.MaxParallelRequests, plan.AllowedModels);

    public static PlanOptions FromInfo(PlanInfo plan) => new()
    {
        RequestsPerMinute = plan.RequestsPerMinute,
        TokensPerMinute = plan.TokensPerMinute,
        TokensPerDay = plan.TokensPerDay,
        MaxParallelRequests = plan.MaxParallelRequests,
        AllowedModels = [.. plan.AllowedModels ?? []],
    };

    private bool IsFresh(Snapshot snapshot) =>
        time.GetUtcNow() - snapshot.LoadedAt < TimeSpan.FromSeconds(Math.Max(options.Value.PlanRefreshSeconds, 0));

    private async Task<IReadOnlyDictionary<string, PlanOptions>> ReloadAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have reloaded while this one waited.
            if (_snapshot is { } latest && !ReferenceEquals(latest, seen) && IsFresh(latest))
            {
                return latest.Plans;
            }

            try
            {
                var entry = await store.GetAsync(StateKey, UsersJsonContext.Default.DictionaryStringPlanInfo, cancellationToken);
                _snapshot = new Snapshot(Merge(entry.Value), time.GetUtcNow());
            }
            catch (Exception ex) when (seen is not null && ex is not OperationCanceledException)
            {
                // The store is unreachable but plans are known: keep serving them and try again after the next period.
                LogReloadFailed(logger, ex);
                _snapshot = seen with { LoadedAt = time.GetUtcNow() };
            }

            return _snapshot!.Plans;
        }
        finally
        {
            _reload.Release();
        }
    }

    private IReadOnlyDictionary<string, PlanOptions> Merge(IReadOnlyDictionary<string, PlanInfo>? runtime)
    {
        var plans = new Dictionary<string, PlanOptions>(options.Value.Plans, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, plan) in runtime ?? new Dictionary<string, PlanInfo>())
        {
            plans[name] = FromInfo(plan);
        }

        return plans;
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, PlanOptions> Plans, DateTimeOffset LoadedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the runtime plans failed; serving the copy in memory")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
