namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>
/// Shapes of ids that end up inside state keys. Restricting the charset keeps keys unambiguous (no <c>:</c> or
/// <c>||</c> that would collide with key separators) and lets every service reject bad ids with a clear 400.
/// </summary>
public static class Identifiers
{
    public const int MaxUserIdLength = 64;
    public const int MaxConversationIdLength = 128;

    /// <summary>1-64 characters from <c>[A-Za-z0-9._@-]</c>.</summary>
    public static bool IsValidUserId(string? id) => IsValid(id, MaxUserIdLength, allowAt: true);

    /// <summary>1-128 characters from <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidConversationId(string? id) => IsValid(id, MaxConversationIdLength, allowAt: false);

    private static bool IsValid(string? id, int maxLength, bool allowAt) =>
        id is { Length: > 0 } && id.Length <= maxLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' || (allowAt && c == '@'));
}
