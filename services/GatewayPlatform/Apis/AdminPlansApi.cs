using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>Plans (answered by users): list them, create or replace one (users on it get the new limits at once).</summary>
public static class AdminPlansApi
{
    public static RouteGroupBuilder MapAdminPlansApi(this RouteGroupBuilder admin)
    {
        var plans = admin.MapGroup("/plans").WithTags("Plans");
        plans.MapGet("/", ListAsync).WithName("AdminListPlans").WithSummary("Every plan with its limits (0 = no limit)");
        plans.MapPut("/{name}", PutAsync).WithName("AdminPutPlan")
            .WithSummary("Create or replace a plan: requests/min, tokens/min, tokens/day, parallel requests, allowed models")
            .Accepts<PlanLimitsBody>("application/json");
        return plans;
    }

    public static async Task<Results<Ok<List<PlanInfo>>, OpenAiErrorResult>> ListAsync(InternalApi api, CancellationToken ct) =>
        (await api.GetAsync(AppIds.Users, "internal/plans", ContractsJsonContext.Default.ListPlanInfo, ct)).ToOk();

    public static async Task<Results<Ok<PlanInfo>, OpenAiErrorResult>> PutAsync(string name, HttpRequest request, InternalApi api, CancellationToken ct)
    {
        var (body, error) = await JsonBodyReader.ReadAsync(request, GatewayPlatformJsonContext.Default.PlanLimitsBody, ct);
        if ((error ?? AdminValidation.Plan(name, body!)) is { } invalid)
        {
            return invalid;
        }

        var plan = new PlanInfo(
            name, body!.RequestsPerMinute, body.TokensPerMinute, body.TokensPerDay, body.MaxParallelRequests, body.AllowedModels ?? []);
        return (await api.SendJsonAsync(
            AppIds.Users, HttpMethod.Put, $"internal/plans/{Uri.EscapeDataString(name)}", plan,
            ContractsJsonContext.Default.PlanInfo, ContractsJsonContext.Default.PlanInfo, ct)).ToOk();
    }
}
