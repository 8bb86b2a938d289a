using Dapr.Client;
using DeepSeek.Dapr.Auth.Secrets;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Hosting;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>
/// Stores the bootstrap admin key for the user <c>admin</c> (scopes chat and admin) when no key with its prefix
/// exists. The key comes from <c>DEEPSEEK_BOOTSTRAP_KEY</c> or, when that is not set and
/// <c>Auth:BootstrapKeySecretName</c> names a secret (Kubernetes: <c>auth:bootstrap-key</c> in Vault), from the secret
/// store. Only the public prefix is ever logged, and a malformed value is reported without echoing it.
/// </summary>
public sealed partial class BootstrapKeyTask(ApiKeyService keys, DaprClient dapr, IConfiguration configuration, ILogger<BootstrapKeyTask> logger) : IStartupTask
{
    public const string EnvironmentVariable = "DEEPSEEK_BOOTSTRAP_KEY";
    public const string SecretNameSetting = "Auth:BootstrapKeySecretName";
    public const string AdminUserId = "admin";

    public string Name => "bootstrap API key";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (plaintext, source) = await ReadAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(plaintext))
        {
            LogNotSet(logger, EnvironmentVariable, SecretNameSetting);
            return;
        }

        if (!ApiKeyFormat.TryParse(plaintext, out var parsed))
        {
            LogMalformed(logger, source);
            return;
        }

        var key = new NewKey(AdminUserId, "bootstrap", [KeyScopes.Chat, KeyScopes.Admin], [], ExpiresAt: null);
        var created = await keys.ImportAsync(plaintext, key, cancellationToken);
        LogBootstrap(logger, parsed.Value.Prefix, source, created ? "stored" : "already present");
    }

    /// <summary>A named secret that is missing fails the task, which then retries: a configured source is required.</summary>
    private async Task<(string? Plaintext, string Source)> ReadAsync(CancellationToken cancellationToken)
    {
        if (configuration[EnvironmentVariable] is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment, EnvironmentVariable);
        }

        if (configuration[SecretNameSetting] is not { Length: > 0 } secretName)
        {
            return (null, EnvironmentVariable);
        }

        var bytes = await new SecretStoreValue(dapr, secretName, minBytes: 1).GetAsync(cancellationToken);
        return (System.Text.Encoding.UTF8.GetString(bytes), $"secret '{secretName}'");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Neither {Variable} nor {Setting} is set: no bootstrap key")]
    private static partial void LogNotSet(ILogger logger, string variable, string setting);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap key from {Source} is not a valid key (expected sk-<8 chars [a-z0-9]>_<32-256 chars [A-Za-z0-9_-]>): not stored")]
    private static partial void LogMalformed(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap key {KeyId} for user admin from {Source}: {Outcome}")]
    private static partial void LogBootstrap(ILogger logger, string keyId, string source, string outcome);
}
