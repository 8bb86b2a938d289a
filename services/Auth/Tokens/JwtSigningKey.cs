using Dapr.Client;
using DeepSeek.Dapr.Auth.Secrets;
using Microsoft.IdentityModel.Tokens;

namespace DeepSeek.Dapr.Auth.Tokens;

/// <summary>The HMAC key that signs and checks admin JWTs.</summary>
public interface IJwtSigningKey
{
    ValueTask<SymmetricSecurityKey> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The signing key from the secret store (<c>auth:jwt-signing-key</c>, or <c>Auth:JwtSigningKeySecretName</c>), read once.
/// HS256 needs at least 256 bits of key, so a shorter secret fails loudly instead of signing weak tokens.
/// </summary>
public sealed class SecretStoreJwtSigningKey(DaprClient dapr, IConfiguration configuration) : IJwtSigningKey
{
    public const string DefaultSecretName = "auth:jwt-signing-key";
    public const int MinBytes = 32;

    private readonly SecretStoreValue _secret = new(dapr, configuration["Auth:JwtSigningKeySecretName"] ?? DefaultSecretName, MinBytes);
    private SymmetricSecurityKey? _key;

    public async ValueTask<SymmetricSecurityKey> GetAsync(CancellationToken cancellationToken) =>
        _key ??= new SymmetricSecurityKey(await _secret.GetAsync(cancellationToken));
}
