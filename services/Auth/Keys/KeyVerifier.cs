using System.Security.Cryptography;
using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>Reasons a key is refused, as <see cref="KeyVerificationResult.Reason"/> carries them.</summary>
public static class KeyRejections
{
    public const string Missing = "missing";
    public const string Malformed = "malformed";
    public const string Unknown = "unknown";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
}

/// <summary>The decision on one presented key, given the record stored under its prefix (if any). Pure: no I/O.</summary>
public static class KeyVerifier
{
    private static readonly byte[] StandInSalt = ApiKeyHasher.NewSalt();
    private static readonly byte[] StandInHash = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// A wrong secret for an existing prefix answers <c>unknown</c>, like a prefix that does not exist, so callers
    /// cannot tell a guessed prefix from a guessed key. The hash is compared before revocation/expiry are reported,
    /// so only the holder of the real key learns that it was revoked or expired. An unknown prefix still costs one
    /// HMAC (against a random stand-in), so auth's own work is the same either way (the store's read time may differ).
    /// </summary>
    public static KeyVerificationResult Verify(string apiKey, ApiKeyRecord? record, ReadOnlySpan<byte> pepper, DateTimeOffset now)
    {
        if (record is null)
        {
            _ = ApiKeyHasher.Matches(pepper, StandInSalt, apiKey, StandInHash);
            return new KeyVerificationResult(false, Reason: KeyRejections.Unknown);
        }

        var salt = Convert.FromBase64String(record.Salt);
        var hash = Convert.FromBase64String(record.Hash);
        if (!ApiKeyHasher.Matches(pepper, salt, apiKey, hash))
        {
            return new KeyVerificationResult(false, Reason: KeyRejections.Unknown);
        }

        if (record.RevokedAt is not null)
        {
            return new KeyVerificationResult(false, KeyId: record.Id, UserId: record.UserId, Reason: KeyRejections.Revoked);
        }

        if (record.ExpiresAt is { } expires && expires <= now)
        {
            return new KeyVerificationResult(false, KeyId: record.Id, UserId: record.UserId, ExpiresAt: expires, Reason: KeyRejections.Expired);
        }

        return new KeyVerificationResult(true, record.Id, record.UserId, record.Scopes, record.AllowedModels, record.ExpiresAt);
    }

    /// <summary>Missing or malformed keys are refused before any lookup.</summary>
    public static KeyVerificationResult? RejectShape(string? apiKey, out ParsedApiKey? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return new KeyVerificationResult(false, Reason: KeyRejections.Missing);
        }

        return ApiKeyFormat.TryParse(apiKey, out parsed) ? null : new KeyVerificationResult(false, Reason: KeyRejections.Malformed);
    }
}
