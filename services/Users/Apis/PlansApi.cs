using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Users.Events;
using DeepSeek.Dapr.Users.Plans;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Apis;

/// <summary>Plans: the configured ones and those added or changed at runtime (kept in users-db).</summary>
public static class PlansApi
{
    private const int MaxAllowedModels = 100;

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/plans").AddEndpointFilter<AccountsUnavailableFilter>();
        api.MapGet("/", ListAsync).WithName("ListPlans").WithSummary("Every plan, ordered by name; 0 = no limit, no models = every model");
        api.MapPut("/{name}", PutAsync).WithName("PutPlan").WithSummary("Add or replace a plan; announced to gateways as account-changed for every user (*)");
        return app;
    }

    public static async Task<Ok<List<PlanInfo>>> ListAsync(PlanCatalog plans, CancellationToken ct) =>
        TypedResults.Ok((await plans.AllAsync(ct))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => PlanCatalog.ToInfo(p.Key, p.Value))
            .ToList());

    public static async Task<Results<Ok<PlanInfo>, BadRequest<ErrorResponse>>> PutAsync(
        string name, PlanInfo request, PlanCatalog plans, AccountChangePublisher changes, CancellationToken ct)
    {
        if (!Identifiers.IsValidConversationId(name) || name.Length > 64)
        {
            return TypedResults.BadRequest(UsersApi.Invalid("the plan name must be 1-64 characters from [A-Za-z0-9._-]", "name"));
        }

        if (request.RequestsPerMinute < 0 || request.TokensPerMinute < 0 || request.TokensPerDay < 0 || request.MaxParallelRequests < 0)
        {
            return TypedResults.BadRequest(UsersApi.Invalid("limits must not be negative (0 = no limit)", "limits"));
        }

        var models = request.AllowedModels ?? [];
        if (models.Count > MaxAllowedModels || models.Any(string.IsNullOrWhiteSpace))
        {
            return TypedResults.BadRequest(UsersApi.Invalid($"allowed_models takes at most {MaxAllowedModels} non-blank model ids", "allowed_models"));
        }

        var saved = await plans.SaveAsync(request with { Name = name, AllowedModels = [.. models.Distinct(StringComparer.OrdinalIgnoreCase)] }, ct);
        await changes.PublishAsync(AccountChangePublisher.AllUsers, "plan-limits:" + name, ct);
        return TypedResults.Ok(saved);
    }
}
