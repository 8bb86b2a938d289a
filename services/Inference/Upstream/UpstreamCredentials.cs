using System.Collections.Concurrent;
using Dapr;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;

namespace DeepSeek.Dapr.Inference.Upstream;

/// <summary>
/// Upstream API keys from the secret store (<c>secretstore</c>), never from configuration. Values are cached for a
/// few minutes because every upstream request needs one; a missing or unreadable secret means "send no key".
/// </summary>
public sealed partial class UpstreamCredentials(DaprClient dapr, TimeProvider time, ILogger<UpstreamCredentials> logger)
{
    public const string DefaultSecretName = "upstream:api-key";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<string?> GetApiKeyAsync(string? secretName, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(secretName) ? DefaultSecretName : secretName;
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && cached.Expires > now)
        {
            return cached.Value;
        }

        string? value;
        TimeSpan lifetime;
        try
        {
            var secret = await dapr.GetSecretAsync(Components.SecretStore, name, cancellationToken: cancellationToken);
            value = secret.TryGetValue(name, out var v) ? v : secret.Values.FirstOrDefault();
            lifetime = Lifetime;
        }
        catch (DaprException ex)
        {
            LogSecretUnavailable(logger, ex, name);
            value = null;
            lifetime = FailureLifetime;
        }

        value = string.IsNullOrWhiteSpace(value) ? null : value;
        _cache[name] = (value, now + lifetime);
        return value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {SecretName} could not be read from the secret store; calling the upstream without an API key")]
    private static partial void LogSecretUnavailable(ILogger logger, Exception exception, string secretName);
}
