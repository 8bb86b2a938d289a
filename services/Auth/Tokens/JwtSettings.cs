using Microsoft.IdentityModel.Tokens;

namespace DeepSeek.Dapr.Auth.Tokens;

/// <summary>The fixed parameters of the admin JWTs auth signs; nothing here is taken from the token itself.</summary>
public static class JwtSettings
{
    public const string Issuer = "deepseek-dapr-auth";
    public const string Audience = "deepseek-dapr-admin";
    public const string Algorithm = SecurityAlgorithms.HmacSha256;
    public const string TokenType = "Bearer";
    public const string ScopeClaim = "scope";

    public const int DefaultLifetimeSeconds = 3600;
    public const int MaxLifetimeSeconds = 86400;

    /// <summary>Tolerated clock difference between auth replicas and callers; small, so an expired token dies quickly.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}

/// <summary>Reasons a token is refused, as <c>KeyVerificationResult.Reason</c> carries them.</summary>
public static class TokenRejections
{
    public const string InvalidToken = "invalid_token";
    public const string Expired = "expired";
}
