using System.Security.Cryptography;
using System.Text;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>
/// Keys are stored only as HMAC-SHA256(pepper, salt ‖ key). The pepper lives in the secret store, not next to the
/// hashes, so a leaked state store alone does not allow offline guessing; the per-key salt makes equal keys differ.
/// </summary>
public static class ApiKeyHasher
{
    public const int SaltBytes = 16;

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    public static byte[] Hash(ReadOnlySpan<byte> pepper, ReadOnlySpan<byte> salt, string apiKey)
    {
        var keyBytes = Encoding.UTF8.GetBytes(apiKey);
        var message = new byte[salt.Length + keyBytes.Length];
        salt.CopyTo(message);
        keyBytes.CopyTo(message.AsSpan(salt.Length));
        try
        {
            return HMACSHA256.HashData(pepper, message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
            CryptographicOperations.ZeroMemory(keyBytes);
        }
    }

    /// <summary>Constant-time comparison: the time taken does not depend on how many leading bytes match.</summary>
    public static bool Matches(ReadOnlySpan<byte> pepper, ReadOnlySpan<byte> salt, string apiKey, ReadOnlySpan<byte> expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(pepper, salt, apiKey), expectedHash);
}
