using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Decisions;

/// <summary>
/// Positive key decisions of this replica, by a SHA-256 of the key (the key itself is never kept). Only positive
/// decisions go in: a refusal must be re-checked every time, so a key created a second later works at once.
/// Evictions bump <see cref="Epoch"/>, and a decision fetched across an eviction is not stored, so a verify that was
/// in flight when the revocation arrived cannot put the revoked key back.
/// </summary>
public sealed class KeyDecisionCache(IOptions<DecisionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _epoch;

    public long Epoch => Interlocked.Read(ref _epoch);

    public int Count => _entries.Count;

    public static string Fingerprint(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>The cached decision for the key and how usable it is now.</summary>
    public (KeyVerificationResult? Decision, DecisionAge Age) Find(string fingerprint)
    {
        if (!_entries.TryGetValue(fingerprint, out var entry))
        {
            return (null, DecisionAge.None);
        }

        var now = time.GetUtcNow();
        if (entry.Decision.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(fingerprint, entry));
            return (entry.Decision, DecisionAge.KeyExpired);
        }

        var age = (now - entry.StoredAt).TotalSeconds;
        var settings = options.Value;
        if (age < settings.FreshSeconds)
        {
            return (entry.Decision, DecisionAge.Fresh);
        }

        if (age < settings.StaleSeconds)
        {
            return (entry.Decision, DecisionAge.Stale);
        }

        _entries.TryRemove(new KeyValuePair<string, Entry>(fingerprint, entry));
        return (null, DecisionAge.None);
    }

    /// <summary>Keeps a positive decision unless an eviction happened since <paramref name="epochBefore"/> was read.</summary>
    public void Store(string fingerprint, KeyVerificationResult decision, long epochBefore)
    {
        if (!decision.Valid || decision.UserId is null)
        {
            _entries.TryRemove(fingerprint, out _);
            return;
        }

        _entries[fingerprint] = new Entry(decision, time.GetUtcNow());
        if (Epoch != epochBefore)
        {
            // An eviction raced with this verify: drop what was just stored rather than risk reviving a revoked key.
            _entries.TryRemove(fingerprint, out _);
        }
    }

    public void Forget(string fingerprint) => _entries.TryRemove(fingerprint, out _);

    /// <summary>Drops every decision of the key id; returns how many.</summary>
    public int EvictKey(string keyId) => Evict(d => string.Equals(d.KeyId, keyId, StringComparison.Ordinal));

    /// <summary>Drops every decision of the user, or all of them for <c>*</c>; returns how many.</summary>
    public int EvictUser(string userId) =>
        userId == "*" ? Evict(_ => true) : Evict(d => string.Equals(d.UserId, userId, StringComparison.Ordinal));

    private int Evict(Func<KeyVerificationResult, bool> match)
    {
        Interlocked.Increment(ref _epoch);
        var evicted = 0;
        foreach (var (fingerprint, entry) in _entries)
        {
            if (match(entry.Decision) && _entries.TryRemove(new KeyValuePair<string, Entry>(fingerprint, entry)))
            {
                evicted++;
            }
        }

        return evicted;
    }

    private sealed record Entry(KeyVerificationResult Decision, DateTimeOffset StoredAt);
}

public enum DecisionAge
{
    None,
    Fresh,
    Stale,
    KeyExpired,
}
