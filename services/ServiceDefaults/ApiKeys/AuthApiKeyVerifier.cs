using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.ServiceDefaults.ApiKeys;

/// <summary>Asks <c>auth</c> (POST /internal/keys/verify) through the sidecar.</summary>
public sealed class AuthApiKeyVerifier(IHttpClientFactory httpClientFactory) : IApiKeyVerifier
{
    public Task<KeyVerificationResult> VerifyAsync(string apiKey, CancellationToken cancellationToken) =>
        httpClientFactory.CreateClient(AppIds.Auth).PostJsonAsync(
            AppIds.Auth, "internal/keys/verify", new KeyVerificationRequest(apiKey),
            ContractsJsonContext.Default.KeyVerificationRequest, ContractsJsonContext.Default.KeyVerificationResult, cancellationToken);
}
