using Dapr.Client;
using DeepSeek.Dapr.Auth.Secrets;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>The server-side secret mixed into every key hash.</summary>
public interface IKeyPepper
{
    ValueTask<byte[]> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The pepper from the secret store (<c>auth:key-pepper</c>, or <c>Auth:PepperSecretName</c>), read once.</summary>
public sealed class SecretStoreKeyPepper(DaprClient dapr, IConfiguration configuration) : IKeyPepper
{
    public const string DefaultSecretName = "auth:key-pepper";

    /// <summary>A pepper shorter than this is too easy to guess offline from a leaked state store.</summary>
    public const int MinBytes = 16;

    private readonly SecretStoreValue _secret = new(dapr, configuration["Auth:PepperSecretName"] ?? DefaultSecretName, MinBytes);

    public ValueTask<byte[]> GetAsync(CancellationToken cancellationToken) => _secret.GetAsync(cancellationToken);
}
