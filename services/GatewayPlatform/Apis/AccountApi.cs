using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.GatewayPlatform.OpenApi;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// The caller's own account, with API-key auth (any valid key, whatever its scopes): <c>GET /v1/user/balance</c>
/// (DeepSeek's shape) and <c>GET /v1/usage</c>, answered by users for the key's owner.
/// </summary>
public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("Account")
            .ProducesOpenAiErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/user/balance", GetBalance).WithName("GetUserBalance").WithSummary("Balance of the key's owner, in DeepSeek's shape");
        api.MapGet("/usage", GetUsage).WithName("GetUsage").WithSummary("Own usage by day and model (from/to as yyyy-MM-dd)");
        return api;
    }

    public static async Task<Results<Ok<UserBalance>, OpenAiErrorResult>> GetBalance(HttpContext httpContext, [AsParameters] AccountServices services)
    {
        var owner = await services.AuthenticateAsync(httpContext);
        return owner.Error ?? (await services.Api.GetAsync(
            AppIds.Users, $"{AdminUsersApi.UserPath(owner.Value!)}/balance", ContractsJsonContext.Default.UserBalance, httpContext.RequestAborted)).ToOk();
    }

    public static async Task<Results<Ok<UsageReport>, OpenAiErrorResult>> GetUsage(string? from, string? to, HttpContext httpContext, [AsParameters] AccountServices services)
    {
        var owner = await services.AuthenticateAsync(httpContext);
        if (owner.Error is { } refused)
        {
            return refused;
        }

        var query = new QueryBuilder();
        if (!string.IsNullOrEmpty(from))
        {
            query.Add("from", from);
        }

        if (!string.IsNullOrEmpty(to))
        {
            query.Add("to", to);
        }

        return (await services.Api.GetAsync(
            AppIds.Users, $"{AdminUsersApi.UserPath(owner.Value!)}/usage{query.ToQueryString()}", ContractsJsonContext.Default.UsageReport,
            httpContext.RequestAborted)).ToOk();
    }
}

public sealed class AccountServices(IApiKeyVerifier keys, InternalApi api)
{
    public IApiKeyVerifier Keys { get; } = keys;
    public InternalApi Api { get; } = api;

    /// <summary>The owner of the presented API key, or the 401/503 to answer instead.</summary>
    public async Task<DownstreamReply<string>> AuthenticateAsync(HttpContext httpContext)
    {
        var bearer = BearerToken.Read(httpContext.Request);
        if (bearer.Key is null)
        {
            return DownstreamReply<string>.Failure(ApiKeyErrors.ForReason(bearer.FailureReason));
        }

        try
        {
            var key = await Keys.VerifyAsync(bearer.Key, httpContext.RequestAborted);
            return key is { Valid: true, UserId: { } userId }
                ? DownstreamReply<string>.Success(userId)
                : DownstreamReply<string>.Failure(ApiKeyErrors.ForResult(key));
        }
        catch (DownstreamUnavailableException ex)
        {
            return DownstreamReply<string>.Failure(Api.Unavailable(ex));
        }
    }
}
