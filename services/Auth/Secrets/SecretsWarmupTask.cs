using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Auth.Tokens;
using DeepSeek.Dapr.ServiceDefaults.Hosting;

namespace DeepSeek.Dapr.Auth.Secrets;

/// <summary>
/// Reads the pepper and the JWT signing key once the sidecar is up, so a missing or too-short secret shows at start
/// (logged by name and retried) rather than as a failing first request, and the first key check pays no secret read.
/// </summary>
public sealed class SecretsWarmupTask(IKeyPepper pepper, IJwtSigningKey signingKey) : IStartupTask
{
    public string Name => "auth secrets";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await pepper.GetAsync(cancellationToken);
        await signingKey.GetAsync(cancellationToken);
    }
}
