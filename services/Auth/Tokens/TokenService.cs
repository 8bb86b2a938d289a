using System.Security.Cryptography;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DeepSeek.Dapr.Auth.Tokens;

/// <summary>
/// Signs and checks the admin JWTs with <see cref="JsonWebTokenHandler"/>: HS256 only, fixed issuer and audience,
/// <c>exp</c> required. The signature is checked before the payload (<c>ValidateSignatureLast = false</c>), so
/// <c>expired</c> is only ever reported for a token auth really signed; anything else is <c>invalid_token</c>.
/// <paramref name="time"/> stamps issued tokens; validation reads the system clock (the handler's own).
/// </summary>
public sealed partial class TokenService(IJwtSigningKey signingKey, TimeProvider time, ILogger<TokenService> logger)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<IssuedToken> IssueAsync(NewToken token, CancellationToken cancellationToken)
    {
        var key = await signingKey.GetAsync(cancellationToken);
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + token.Lifetime;
        var id = "jwt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var jwt = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = JwtSettings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, JwtSettings.Algorithm),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = token.UserId,
                [JwtRegisteredClaimNames.Jti] = id,
                [JwtSettings.ScopeClaim] = string.Join(' ', token.Scopes),
            },
        });
        LogIssued(logger, id, token.UserId, string.Join(' ', token.Scopes), expires);
        return new IssuedToken(jwt, JwtSettings.TokenType, expires);
    }

    public async Task<KeyVerificationResult> VerifyAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Refused(TokenRejections.InvalidToken, "empty");
        }

        var parameters = ValidationParameters(await signingKey.GetAsync(cancellationToken));
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return result.Exception is SecurityTokenExpiredException
                ? Refused(TokenRejections.Expired, nameof(SecurityTokenExpiredException))
                : Refused(TokenRejections.InvalidToken, result.Exception?.GetType().Name ?? "invalid");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (string.IsNullOrEmpty(jwt.Subject) || string.IsNullOrEmpty(jwt.Id) || !jwt.TryGetPayloadValue<string>(JwtSettings.ScopeClaim, out var scope))
        {
            return Refused(TokenRejections.InvalidToken, "missing claims");
        }

        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new KeyVerificationResult(true, jwt.Id, jwt.Subject, scopes, [], new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    private KeyVerificationResult Refused(string reason, string detail)
    {
        LogRefused(logger, reason, detail);
        return new KeyVerificationResult(false, Reason: reason);
    }

    private TokenValidationParameters ValidationParameters(SecurityKey key) => new()
    {
        ValidIssuer = JwtSettings.Issuer,
        ValidAudience = JwtSettings.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateSignatureLast = false,
        ValidAlgorithms = [JwtSettings.Algorithm],
        IssuerSigningKey = key,
        ClockSkew = JwtSettings.ClockSkew,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued token {TokenId} for user {UserId} (scopes {Scopes}), expires {ExpiresAt:o}")]
    private static partial void LogIssued(ILogger logger, string tokenId, string userId, string scopes, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Token refused: {Reason} ({Detail})")]
    private static partial void LogRefused(ILogger logger, string reason, string detail);
}
