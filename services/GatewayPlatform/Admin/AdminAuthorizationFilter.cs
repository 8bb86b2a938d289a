using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayPlatform.Admin;

/// <summary>
/// Guards every management endpoint: a valid admin API key or admin JWT, else 401 (no, bad, revoked or expired
/// credential) or 403 (valid, but without the <c>admin</c> scope); 503 when auth cannot answer. Runs before the body is
/// read, so an unauthenticated caller learns nothing about validation.
/// </summary>
public sealed partial class AdminAuthorizationFilter(AdminCredentialVerifier verifier, InternalApi api, ILogger<AdminAuthorizationFilter> logger)
    : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var bearer = BearerToken.Read(http.Request);
        if (bearer.Key is null)
        {
            return ApiKeyErrors.ForReason(bearer.FailureReason);
        }

        var kind = AdminCredentialVerifier.KindOf(bearer.Key);
        KeyVerificationResult result;
        try
        {
            result = await verifier.VerifyAsync(bearer.Key, http.RequestAborted);
        }
        catch (DownstreamUnavailableException ex)
        {
            return api.Unavailable(ex);
        }

        if (!result.Valid || result.UserId is null)
        {
            LogRefused(logger, kind, result.Reason ?? "invalid", http.Request.Method, http.Request.Path);
            return kind == CredentialKind.ApiKey ? ApiKeyErrors.ForResult(result) : TokenRefused(result.Reason);
        }

        var scopes = result.Scopes ?? [];
        if (!scopes.Contains(KeyScopes.Admin, StringComparer.Ordinal))
        {
            LogNotAdmin(logger, kind, result.KeyId, result.UserId, http.Request.Method, http.Request.Path);
            return OpenAiErrors.Forbidden(
                $"This {(kind == CredentialKind.ApiKey ? "API key" : "token")} may not use the management API: it lacks the '{KeyScopes.Admin}' scope.",
                "missing_admin_scope");
        }

        http.SetAdminCaller(new AdminCaller(result.UserId, result.KeyId, kind, scopes));
        LogAdminCall(logger, http.Request.Method, http.Request.Path, result.UserId, kind, result.KeyId);
        return await next(context);
    }

    private static OpenAiErrorResult TokenRefused(string? reason) => reason switch
    {
        "expired" => OpenAiErrors.Unauthorized("Authentication Fails: the token has expired.", "expired_token"),
        "revoked" => OpenAiErrors.Unauthorized("Authentication Fails: the token's key has been revoked.", "revoked_token"),
        _ => OpenAiErrors.Unauthorized(
            "Authentication Fails: the bearer is neither a valid API key nor a valid token.", "invalid_token"),
    };

    // Only ids and reasons are logged: never the bearer itself (key material stays out of every log line).
    [LoggerMessage(Level = LogLevel.Information, Message = "Management call {Method} {Path} by {UserId} ({Kind} {CredentialId})")]
    private static partial void LogAdminCall(ILogger logger, string method, string path, string userId, CredentialKind kind, string? credentialId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Management call {Method} {Path} refused: {Kind} is {Reason}")]
    private static partial void LogRefused(ILogger logger, CredentialKind kind, string reason, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Management call {Method} {Path} refused: {Kind} {CredentialId} of {UserId} lacks the admin scope")]
    private static partial void LogNotAdmin(ILogger logger, CredentialKind kind, string? credentialId, string userId, string method, string path);
}
