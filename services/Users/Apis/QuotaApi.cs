using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Users.Quota;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Apis;

public static class QuotaApi
{
    public static IEndpointRouteBuilder MapQuotaApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/quota")
            .MapPost("/check", CheckAsync)
            .WithName("CheckQuota")
            .WithSummary("May this user spend about this many tokens on this model now? 200 with allowed=false and a status when not");
        return app;
    }

    public static async Task<Results<Ok<QuotaDecision>, BadRequest<ErrorResponse>>> CheckAsync(
        QuotaCheckRequest request, QuotaService quota, CancellationToken ct)
    {
        if (!Identifiers.IsValidUserId(request.UserId))
        {
            return TypedResults.BadRequest(ErrorResponse.Create("user_id is required: 1-64 characters from [A-Za-z0-9._@-]", ErrorTypes.InvalidRequest, "invalid_request", "user_id"));
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return TypedResults.BadRequest(ErrorResponse.Create("model is required", ErrorTypes.InvalidRequest, "invalid_request", "model"));
        }

        return TypedResults.Ok(await quota.CheckAsync(request, ct));
    }
}
