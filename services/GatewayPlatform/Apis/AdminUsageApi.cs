using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>A user's usage ledger by UTC day and model, optionally for one of its keys (answered by users).</summary>
public static class AdminUsageApi
{
    public static RouteGroupBuilder MapAdminUsageApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", GetAsync).WithName("AdminGetUsage").WithTags("Usage")
            .WithSummary("Usage of user_id (required), optionally of one key_id, from/to as yyyy-MM-dd (default: the last 30 days)");
        return admin;
    }

    public static async Task<Results<Ok<UsageReport>, OpenAiErrorResult>> GetAsync(
        [FromQuery(Name = "user_id")] string? userId, [FromQuery(Name = "key_id")] string? keyId, string? from, string? to,
        InternalApi api, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userId))
        {
            return OpenAiErrors.BadRequest("user_id is required.", "user_id");
        }

        if (AdminValidation.UserId(userId) is { } invalid)
        {
            return invalid;
        }

        var query = new QueryBuilder();
        foreach (var (name, value) in new[] { ("from", from), ("to", to), ("key_id", keyId) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name, value);
            }
        }

        return (await api.GetAsync(
            AppIds.Users, $"{AdminUsersApi.UserPath(userId)}/usage{query.ToQueryString()}", ContractsJsonContext.Default.UsageReport, ct)).ToOk();
    }
}
