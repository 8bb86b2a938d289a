using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayPlatform.Admin;

/// <summary>
/// Checks the bearer of a management call with auth: an API key (<c>sk-...</c>) through the same verifier the public
/// endpoints use, anything else as a JWT through <c>POST /internal/tokens/verify</c>. Both answer a
/// <see cref="KeyVerificationResult"/>, so scopes are read the same way whatever the credential.
/// </summary>
public sealed class AdminCredentialVerifier(IApiKeyVerifier keys, IHttpClientFactory http)
{
    private const string ApiKeyScheme = "sk-";

    public static CredentialKind KindOf(string bearer) =>
        bearer.StartsWith(ApiKeyScheme, StringComparison.Ordinal) ? CredentialKind.ApiKey : CredentialKind.Jwt;

    /// <summary>Throws <see cref="DownstreamUnavailableException"/> when auth cannot answer.</summary>
    public Task<KeyVerificationResult> VerifyAsync(string bearer, CancellationToken cancellationToken) =>
        KindOf(bearer) == CredentialKind.ApiKey
            ? keys.VerifyAsync(bearer, cancellationToken)
            : http.CreateClient(AppIds.Auth).PostJsonAsync(
                AppIds.Auth, "internal/tokens/verify", new TokenVerificationRequest(bearer),
                ContractsJsonContext.Default.TokenVerificationRequest, ContractsJsonContext.Default.KeyVerificationResult, cancellationToken);
}
