using System.Text;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;

namespace DeepSeek.Dapr.Auth.Secrets;

/// <summary>
/// One secret of the Dapr secret store, read on first use and then kept in memory, so the hot path (every key check)
/// never calls the store. The local file store flattens nested JSON with <c>:</c>, so <c>{"auth":{"key-pepper":…}}</c>
/// is the secret <c>auth:key-pepper</c>; Vault and Kubernetes use the same names. The value is never logged or echoed
/// in an error, only its name.
/// </summary>
public sealed class SecretStoreValue(DaprClient dapr, string name, int minBytes)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _value;

    public string Name { get; } = name;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_value is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _value ??= await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadAsync(CancellationToken cancellationToken)
    {
        var secret = await dapr.GetSecretAsync(Components.SecretStore, Name, cancellationToken: cancellationToken);
        var value = secret.TryGetValue(Name, out var v) ? v : secret.Values.FirstOrDefault();
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException($"Secret '{Name}' in store '{Components.SecretStore}' is missing or empty.");
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < minBytes)
        {
            throw new InvalidOperationException($"Secret '{Name}' in store '{Components.SecretStore}' is shorter than the required {minBytes} bytes.");
        }

        return bytes;
    }
}
