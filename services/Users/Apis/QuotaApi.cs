using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Apis;

/// <summary>
/// The quota check of callers that do not reserve through the actor yet: a thin facade over <c>Reserve</c>. The hold
/// it takes is settled by the usage event carrying its ReservationId, or expires.
/// </summary>
public static class QuotaApi
{
    public static IEndpointRouteBuilder MapQuotaApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/quota")
            .AddEndpointFilter<AccountsUnavailableFilter>()
            .MapPost("/check", CheckAsync)
            .WithName("CheckQuota")
            .WithSummary("Reserve about this many tokens on this model for the user; 200 with allowed=false and a status when not");
        return app;
    }

    public static async Task<Results<Ok<QuotaDecision>, BadRequest<ErrorResponse>>> CheckAsync(
        QuotaCheckRequest request, UserAccounts accounts, CancellationToken ct)
    {
        if (!Identifiers.IsValidUserId(request.UserId))
        {
            return TypedResults.BadRequest(UsersApi.Invalid("user_id is required: 1-64 characters from [A-Za-z0-9._@-]", "user_id"));
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return TypedResults.BadRequest(UsersApi.Invalid("model is required", "model"));
        }

        var reservation = new ReservationRequest(Guid.NewGuid().ToString("N"), request.KeyId, request.Model, Math.Max(request.EstimatedTokens, 0), 0);
        return TypedResults.Ok(await accounts.ReserveAsync(request.UserId, reservation, ct));
    }
}
