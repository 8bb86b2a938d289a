using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Hosting;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>
/// Stores the key given in <c>DEEPSEEK_BOOTSTRAP_KEY</c> for the user <c>admin</c> (scopes chat and admin) when no key
/// with its prefix exists. Only the public prefix is ever logged.
/// </summary>
public sealed partial class BootstrapKeyTask(ApiKeyService keys, IConfiguration configuration, ILogger<BootstrapKeyTask> logger) : IStartupTask
{
    public const string EnvironmentVariable = "DEEPSEEK_BOOTSTRAP_KEY";
    public const string AdminUserId = "admin";

    public string Name => "bootstrap API key";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var plaintext = configuration[EnvironmentVariable];
        if (string.IsNullOrWhiteSpace(plaintext))
        {
            LogNotSet(logger, EnvironmentVariable);
            return;
        }

        if (!ApiKeyFormat.TryParse(plaintext, out var parsed))
        {
            LogMalformed(logger, EnvironmentVariable);
            return;
        }

        var key = new NewKey(AdminUserId, "bootstrap", [KeyScopes.Chat, KeyScopes.Admin], [], ExpiresAt: null);
        var created = await keys.ImportAsync(plaintext, key, cancellationToken);
        LogBootstrap(logger, parsed.Value.Prefix, created ? "stored" : "already present");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Variable} is not set: no bootstrap key")]
    private static partial void LogNotSet(ILogger logger, string variable);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Variable} is not a valid key (expected sk-<8 chars [a-z0-9]>_<32-256 chars [A-Za-z0-9_-]>): not stored")]
    private static partial void LogMalformed(ILogger logger, string variable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap key {KeyId} for user admin: {Outcome}")]
    private static partial void LogBootstrap(ILogger logger, string keyId, string outcome);
}
