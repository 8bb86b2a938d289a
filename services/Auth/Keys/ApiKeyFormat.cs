using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>A key split into its public prefix (the lookup id) and its secret part.</summary>
public readonly record struct ParsedApiKey(string Prefix, string Secret);

/// <summary>
/// Key format <c>sk-&lt;prefix&gt;_&lt;secret&gt;</c>: an 8-character lower-case alphanumeric public prefix (safe to show and
/// log, it is the key id) and a secret of 32 to 256 characters from <c>[A-Za-z0-9_-]</c>. Generated secrets are 40
/// base-62 characters (about 238 bits).
/// </summary>
public static class ApiKeyFormat
{
    public const string Scheme = "sk-";
    public const int PrefixLength = 8;
    public const int GeneratedSecretLength = 40;
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 256;

    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        var secret = RandomNumberGenerator.GetString(SecretAlphabet, GeneratedSecretLength);
        return $"{Scheme}{prefix}_{secret}";
    }

    public static bool TryParse(string? key, [NotNullWhen(true)] out ParsedApiKey? parsed)
    {
        parsed = null;
        const int separatorIndex = 3 + PrefixLength;
        if (key is null
            || key.Length < separatorIndex + 1 + MinSecretLength
            || key.Length > separatorIndex + 1 + MaxSecretLength
            || !key.StartsWith(Scheme, StringComparison.Ordinal)
            || key[separatorIndex] != '_')
        {
            return false;
        }

        var prefix = key.Substring(Scheme.Length, PrefixLength);
        var secret = key[(separatorIndex + 1)..];
        if (!prefix.All(IsPrefixChar) || !secret.All(IsSecretChar))
        {
            return false;
        }

        parsed = new ParsedApiKey(prefix, secret);
        return true;
    }

    /// <summary>Is this a well-formed key id (the public prefix)?</summary>
    public static bool IsValidPrefix(string? id) => id is { Length: PrefixLength } && id.All(IsPrefixChar);

    private static bool IsPrefixChar(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    private static bool IsSecretChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
