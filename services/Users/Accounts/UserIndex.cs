using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>
/// The ids of every user, for listing. Accounts live in actors, which cannot be enumerated, and querying the state
/// store is not portable across components; so one sorted id list (<c>user-index</c>) is kept in <c>users-db</c>,
/// written ETag-guarded only when a user is created (rare), read only by the admin listing. An id is added before its
/// account is created, so the listing never misses an account; ids without one are skipped.
/// </summary>
public sealed class UserIndex(IJsonStateStore store)
{
    public const string StateKey = "user-index";

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        (await store.GetAsync(StateKey, UsersJsonContext.Default.ListString, cancellationToken)).Value ?? [];

    /// <summary>Adds the id unless present (idempotent, so a create that failed half-way can be repeated).</summary>
    public Task AddAsync(string userId, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("index user", async ct =>
        {
            var entry = await store.GetAsync(StateKey, UsersJsonContext.Default.ListString, ct);
            var ids = entry.Value ?? [];
            var at = ids.BinarySearch(userId, StringComparer.Ordinal);
            if (at >= 0)
            {
                return Attempt<bool>.Done(false);
            }

            ids.Insert(~at, userId);
            var committed = await store.TryCommitAsync([StateOperation.Put(StateKey, ids, UsersJsonContext.Default.ListString, entry.ETag)], ct);
            return committed ? Attempt<bool>.Done(true) : Attempt<bool>.Conflict();
        }, cancellationToken);
}
