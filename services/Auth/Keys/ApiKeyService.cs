using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>Key lifecycle against <c>auth-db</c>: create (plaintext returned once), verify, list, revoke.</summary>
public sealed class ApiKeyService(IJsonStateStore store, IKeyPepper pepper, TimeProvider time)
{
    private static readonly AuthJsonContext Json = AuthJsonContext.Default;

    // Every creation rewrites the all-keys index: writers queue here within a replica, so a burst of creations does
    // not turn into a storm of ETag conflicts; the ETag still guards against the other replicas.
    private readonly SemaphoreSlim _indexWriter = new(1, 1);

    public async Task<KeyVerificationResult> VerifyAsync(string? apiKey, CancellationToken cancellationToken)
    {
        if (KeyVerifier.RejectShape(apiKey, out var parsed) is { } rejected)
        {
            return rejected;
        }

        var entry = await store.GetAsync(ApiKeyRecord.StateKey(parsed!.Value.Prefix), Json.ApiKeyRecord, cancellationToken);
        return KeyVerifier.Verify(apiKey!, entry.Value, await pepper.GetAsync(cancellationToken), time.GetUtcNow());
    }

    /// <summary>Creates a random key. A prefix collision or a concurrent change of the user's index just retries.</summary>
    public Task<CreatedApiKey> CreateAsync(NewKey key, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("create api key", async ct =>
        {
            var plaintext = ApiKeyFormat.Generate();
            var record = await StoreAsync(plaintext, key, ct);
            return record is null ? Attempt<CreatedApiKey>.Conflict() : Attempt<CreatedApiKey>.Done(new CreatedApiKey(plaintext, record.ToInfo()));
        }, cancellationToken);

    /// <summary>
    /// Stores a given key (the bootstrap key) unless its prefix is already taken. Returns false when it already exists;
    /// the existing record is left untouched, so restarts are idempotent.
    /// </summary>
    public Task<bool> ImportAsync(string plaintext, NewKey key, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("import api key", async ct =>
        {
            var prefix = ApiKeyFormat.TryParse(plaintext, out var parsed)
                ? parsed.Value.Prefix
                : throw new ArgumentException("not a well-formed API key", nameof(plaintext));
            var existing = await store.GetAsync(ApiKeyRecord.StateKey(prefix), Json.ApiKeyRecord, ct);
            if (existing.Exists)
            {
                return Attempt<bool>.Done(false);
            }

            return await StoreAsync(plaintext, key, ct) is null ? Attempt<bool>.Conflict() : Attempt<bool>.Done(true);
        }, cancellationToken);

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var index = await store.GetAsync(UserKeyIndex.StateKey(userId), Json.UserKeyIndex, cancellationToken);
        return await InfosAsync(index.Value?.KeyIds, cancellationToken);
    }

    /// <summary>Every key of every user (admin view), oldest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAllAsync(CancellationToken cancellationToken)
    {
        var index = await store.GetAsync(AllKeysIndex.StateKey, Json.AllKeysIndex, cancellationToken);
        return await InfosAsync(index.Value?.KeyIds, cancellationToken);
    }

    public async Task<ApiKeyInfo?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        (await store.GetAsync(ApiKeyRecord.StateKey(keyId), Json.ApiKeyRecord, cancellationToken)).Value?.ToInfo();

    /// <summary>Marks a key revoked (idempotent). Null when no such key exists.</summary>
    public Task<ApiKeyInfo?> RevokeAsync(string keyId, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("revoke api key", async ct =>
        {
            var entry = await store.GetAsync(ApiKeyRecord.StateKey(keyId), Json.ApiKeyRecord, ct);
            if (entry.Value is null)
            {
                return Attempt<ApiKeyInfo?>.Done(null);
            }

            if (entry.Value.RevokedAt is not null)
            {
                return Attempt<ApiKeyInfo?>.Done(entry.Value.ToInfo());
            }

            var revoked = entry.Value with { RevokedAt = time.GetUtcNow() };
            var committed = await store.TryCommitAsync([StateOperation.Put(entry.Key, revoked, Json.ApiKeyRecord, entry.ETag)], ct);
            return committed ? Attempt<ApiKeyInfo?>.Done(revoked.ToInfo()) : Attempt<ApiKeyInfo?>.Conflict();
        }, cancellationToken);

    private async Task<IReadOnlyList<ApiKeyInfo>> InfosAsync(IReadOnlyList<string>? keyIds, CancellationToken cancellationToken)
    {
        if (keyIds is not { Count: > 0 })
        {
            return [];
        }

        var records = await store.GetManyAsync(keyIds.Select(ApiKeyRecord.StateKey).ToList(), Json.ApiKeyRecord, cancellationToken);
        return records.Where(r => r.Value is not null).Select(r => r.Value!.ToInfo()).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes the record (must not exist yet) and both indexes in one transaction; null on conflict.</summary>
    private async Task<ApiKeyRecord?> StoreAsync(string plaintext, NewKey key, CancellationToken cancellationToken)
    {
        var prefix = ApiKeyFormat.TryParse(plaintext, out var parsed) ? parsed.Value.Prefix : throw new ArgumentException("malformed key");
        var salt = ApiKeyHasher.NewSalt();
        var hash = ApiKeyHasher.Hash(await pepper.GetAsync(cancellationToken), salt, plaintext);
        var record = new ApiKeyRecord(
            prefix, prefix, Convert.ToBase64String(salt), Convert.ToBase64String(hash), key.UserId, key.Name,
            key.Scopes, key.AllowedModels, time.GetUtcNow(), key.ExpiresAt, RevokedAt: null);

        await _indexWriter.WaitAsync(cancellationToken);
        try
        {
            var index = await store.GetAsync(UserKeyIndex.StateKey(key.UserId), Json.UserKeyIndex, cancellationToken);
            var all = await store.GetAsync(AllKeysIndex.StateKey, Json.AllKeysIndex, cancellationToken);
            var committed = await store.TryCommitAsync(
            [
                StateOperation.Put(ApiKeyRecord.StateKey(prefix), record, Json.ApiKeyRecord, etag: null),
                StateOperation.Put(index.Key, new UserKeyIndex([.. index.Value?.KeyIds ?? [], prefix]), Json.UserKeyIndex, index.ETag),
                StateOperation.Put(all.Key, new AllKeysIndex([.. all.Value?.KeyIds ?? [], prefix]), Json.AllKeysIndex, all.ETag),
            ], cancellationToken);
            return committed ? record : null;
        }
        finally
        {
            _indexWriter.Release();
        }
    }
}

/// <summary>A validated key request.</summary>
public sealed record NewKey(string UserId, string? Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> AllowedModels, DateTimeOffset? ExpiresAt);
