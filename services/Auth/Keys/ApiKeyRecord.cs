using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>What <c>auth-db</c> holds per key, under <c>key-prefix:&lt;prefix&gt;</c>. Salt and hash are base64; no plaintext.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Prefix,
    string Salt,
    string Hash,
    string UserId,
    string? Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> AllowedModels,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt)
{
    public static string StateKey(string prefix) => $"key-prefix:{prefix}";

    public ApiKeyInfo ToInfo() => new(Id, Prefix, UserId, Name, Scopes, AllowedModels, CreatedAt, ExpiresAt, RevokedAt);
}

/// <summary>The ids of a user's keys, under <c>user-keys:&lt;userId&gt;</c>, so listing needs no query API.</summary>
public sealed record UserKeyIndex(IReadOnlyList<string> KeyIds)
{
    public static string StateKey(string userId) => $"user-keys:{userId}";
}

/// <summary>The ids of every key, under <c>all-keys</c>, for the admin listing (written in the same transaction as the key).</summary>
public sealed record AllKeysIndex(IReadOnlyList<string> KeyIds)
{
    public const string StateKey = "all-keys";
}
