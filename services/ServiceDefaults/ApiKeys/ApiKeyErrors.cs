using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.ServiceDefaults.ApiKeys;

/// <summary>401 replies worded per reason, so a client can tell a typo from a revoked key.</summary>
public static class ApiKeyErrors
{
    public static OpenAiErrorResult ForReason(string? reason) => reason switch
    {
        "missing" => OpenAiErrors.Unauthorized(
            "Authentication Fails: no API key given. Send it as 'Authorization: Bearer <key>'.", "missing_api_key"),
        "malformed" => OpenAiErrors.Unauthorized(
            "Authentication Fails: the Authorization header must be 'Bearer <key>'.", "invalid_api_key"),
        "revoked" => OpenAiErrors.Unauthorized("Authentication Fails: this API key has been revoked.", "revoked_api_key"),
        "expired" => OpenAiErrors.Unauthorized("Authentication Fails: this API key has expired.", "expired_api_key"),
        _ => OpenAiErrors.Unauthorized("Authentication Fails: your API key is invalid.", "invalid_api_key"),
    };

    public static OpenAiErrorResult ForResult(KeyVerificationResult result) => ForReason(result.Reason);
}
