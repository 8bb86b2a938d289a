using System.Text;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>The server-side secret mixed into every key hash.</summary>
public interface IKeyPepper
{
    ValueTask<byte[]> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Reads the pepper from the secret store once and keeps it in memory. The local file store flattens nested JSON with
/// <c>:</c>, so <c>{"auth":{"key-pepper":…}}</c> is the secret <c>auth:key-pepper</c>; Vault/Kubernetes use the same name.
/// </summary>
public sealed class SecretStoreKeyPepper(DaprClient dapr, IConfiguration configuration) : IKeyPepper
{
    public const string DefaultSecretName = "auth:key-pepper";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _pepper;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_pepper is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _pepper ??= await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadAsync(CancellationToken cancellationToken)
    {
        var name = configuration["Auth:PepperSecretName"] ?? DefaultSecretName;
        var secret = await dapr.GetSecretAsync(Components.SecretStore, name, cancellationToken: cancellationToken);
        var value = secret.TryGetValue(name, out var v) ? v : secret.Values.FirstOrDefault();
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException($"Secret '{name}' in store '{Components.SecretStore}' is missing or empty; API keys cannot be hashed without it.");
        }

        return Encoding.UTF8.GetBytes(value);
    }
}
