using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Admin;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// Exchanges the presented admin API key for a short-lived JWT (signed by auth) carrying the key's scopes, so scripts
/// can keep the long-lived key out of every later call.
/// </summary>
public static class AdminTokensApi
{
    public static RouteGroupBuilder MapAdminTokensApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/tokens", IssueAsync).WithName("AdminIssueToken").WithTags("Tokens")
            .WithSummary("Exchange the admin API key in the Authorization header for a JWT (optional lifetime_seconds, 60-86400)")
            .Accepts<TokenExchangeBody>("application/json");
        return admin;
    }

    public static async Task<Results<Ok<IssuedToken>, OpenAiErrorResult>> IssueAsync(HttpContext httpContext, InternalApi api, CancellationToken ct)
    {
        var caller = httpContext.GetAdminCaller();
        if (caller.Kind != CredentialKind.ApiKey)
        {
            return OpenAiErrors.Forbidden("Only an admin API key can be exchanged for a token; this call presented a token.", "key_required");
        }

        var (body, error) = await JsonBodyReader.ReadAsync(
            httpContext.Request, GatewayPlatformJsonContext.Default.TokenExchangeBody, ct, whenEmpty: new TokenExchangeBody());
        if ((error ?? AdminValidation.TokenExchange(body!)) is { } invalid)
        {
            return invalid;
        }

        var issue = new TokenIssueRequest(caller.UserId, caller.Scopes, body!.LifetimeSeconds);
        return (await api.SendJsonAsync(
            AppIds.Auth, HttpMethod.Post, "internal/tokens", issue, ContractsJsonContext.Default.TokenIssueRequest, ContractsJsonContext.Default.IssuedToken, ct)).ToOk();
    }
}
