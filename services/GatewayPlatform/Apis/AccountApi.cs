using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// The caller's own account, with API-key auth: <c>GET /v1/user/balance</c> (DeepSeek's shape) and <c>GET /v1/usage</c>,
/// answered by users. Replies are relayed as users wrote them, so the balance shape is defined in one place.
/// </summary>
public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1");
        api.MapGet("/user/balance", GetBalance).WithName("GetUserBalance").WithSummary("Balance of the key's owner, in DeepSeek's shape");
        api.MapGet("/usage", GetUsage).WithName("GetUsage").WithSummary("Own usage by day and model (from/to as yyyy-MM-dd)");
        return api;
    }

    public static Task<Results<ContentHttpResult, OpenAiErrorResult>> GetBalance(HttpContext httpContext, [AsParameters] AccountServices services) =>
        RelayForUserAsync(httpContext, services, userId => $"internal/users/{Uri.EscapeDataString(userId)}/balance");

    public static Task<Results<ContentHttpResult, OpenAiErrorResult>> GetUsage(string? from, string? to, HttpContext httpContext, [AsParameters] AccountServices services) =>
        RelayForUserAsync(httpContext, services, userId =>
        {
            var query = new QueryBuilder();
            if (!string.IsNullOrEmpty(from))
            {
                query.Add("from", from);
            }

            if (!string.IsNullOrEmpty(to))
            {
                query.Add("to", to);
            }

            return $"internal/users/{Uri.EscapeDataString(userId)}/usage{query.ToQueryString()}";
        });

    private static async Task<Results<ContentHttpResult, OpenAiErrorResult>> RelayForUserAsync(
        HttpContext httpContext, AccountServices services, Func<string, string> path)
    {
        var cancellationToken = httpContext.RequestAborted;
        try
        {
            var bearer = BearerToken.Read(httpContext.Request);
            if (bearer.Key is null)
            {
                return ApiKeyErrors.ForReason(bearer.FailureReason);
            }

            var key = await services.Keys.VerifyAsync(bearer.Key, cancellationToken);
            if (!key.Valid || key.UserId is null)
            {
                return ApiKeyErrors.ForResult(key);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, path(key.UserId));
            using var response = await services.Http.CreateClient(AppIds.Users).SendAsync(AppIds.Users, request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return TypedResults.Content(body, "application/json", statusCode: (int)response.StatusCode);
        }
        catch (DownstreamUnavailableException ex)
        {
            return services.Unavailable(ex);
        }
    }
}

public sealed partial class AccountServices(IApiKeyVerifier keys, IHttpClientFactory http, ILogger<AccountServices> logger)
{
    public const int RetryAfterSeconds = 5;

    public IApiKeyVerifier Keys { get; } = keys;
    public IHttpClientFactory Http { get; } = http;
    public ILogger<AccountServices> Logger { get; } = logger;

    public OpenAiErrorResult Unavailable(DownstreamUnavailableException ex)
    {
        LogUnavailable(Logger, ex.AppId, ex.Reason);
        return OpenAiErrors.Unavailable(
            $"The account service is temporarily unavailable ({ex.AppId} is not answering). Retry after a few seconds.", RetryAfterSeconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AppId} is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string appId, string reason);
}
