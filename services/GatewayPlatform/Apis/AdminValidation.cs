using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// Checks of management input at the public edge: a missing or malformed field is a 400, a well-formed value that
/// is out of range or unknown a 422; both name the field in <c>param</c>. Rules the owning service decides (does the
/// plan exist, is the id taken) stay there and come back as its own 4xx.
/// </summary>
public static class AdminValidation
{
    public const int MaxNameLength = 200;
    public const int MaxKeyNameLength = 100;
    public const int MaxModelIdLength = 128;
    public const int MaxPlanNameLength = 64;
    public const decimal MaxTopUp = 1_000_000m;
    public const int MinTokenLifetimeSeconds = 60;
    public const int MaxTokenLifetimeSeconds = 86_400;

    public static OpenAiErrorResult? UserId(string? userId, string param = "user_id") =>
        Identifiers.IsValidUserId(userId) ? null : OpenAiErrors.BadRequest($"{param} must be 1-64 characters from [A-Za-z0-9._@-].", param);

    public static OpenAiErrorResult? CreateUser(CreateUserRequest request)
    {
        if (!string.IsNullOrEmpty(request.Id) && UserId(request.Id, "id") is { } badId)
        {
            return badId;
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return OpenAiErrors.BadRequest("name is required.", "name");
        }

        if (request.Name.Length > MaxNameLength)
        {
            return OpenAiErrors.InvalidParameter($"name must be at most {MaxNameLength} characters.", "name");
        }

        if (request.Plan is not null && !IsValidPlanName(request.Plan))
        {
            return OpenAiErrors.InvalidParameter("plan must be a plan name (1-64 characters from [A-Za-z0-9._-]).", "plan");
        }

        return request.GrantedBalance is < 0m ? OpenAiErrors.InvalidParameter("granted_balance must not be negative.", "granted_balance") : null;
    }

    public static OpenAiErrorResult? UpdateUser(UpdateUserRequest request)
    {
        if (request.Name is null && request.Plan is null)
        {
            return OpenAiErrors.BadRequest("Give name and/or plan to change.", "name");
        }

        if (request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > MaxNameLength))
        {
            return OpenAiErrors.InvalidParameter($"name must be 1-{MaxNameLength} characters.", "name");
        }

        return request.Plan is not null && !IsValidPlanName(request.Plan)
            ? OpenAiErrors.InvalidParameter("plan must be a plan name (1-64 characters from [A-Za-z0-9._-]).", "plan")
            : null;
    }

    public static OpenAiErrorResult? TopUp(TopUpRequest request) =>
        request.Amount <= 0m || request.Amount > MaxTopUp
            ? OpenAiErrors.InvalidParameter($"amount must be greater than 0 and at most {MaxTopUp}.", "amount")
            : null;

    public static OpenAiErrorResult? CreateKey(CreateKeyBody body, DateTimeOffset now)
    {
        if (body.Name is { Length: > MaxKeyNameLength })
        {
            return OpenAiErrors.InvalidParameter($"name must be at most {MaxKeyNameLength} characters.", "name");
        }

        if (body.Scopes?.FirstOrDefault(s => !KeyScopes.All.Contains(s, StringComparer.Ordinal)) is { } badScope)
        {
            return OpenAiErrors.InvalidParameter($"Unknown scope '{badScope}': use {string.Join(", ", KeyScopes.All)}.", "scopes");
        }

        if (body.AllowedModels?.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > MaxModelIdLength) == true)
        {
            return OpenAiErrors.InvalidParameter($"allowed_models entries must be model ids of 1-{MaxModelIdLength} characters.", "allowed_models");
        }

        return body.ExpiresAt is { } expires && expires <= now
            ? OpenAiErrors.InvalidParameter("expires_at must be in the future.", "expires_at")
            : null;
    }

    public static OpenAiErrorResult? Plan(string name, PlanLimitsBody body)
    {
        if (!IsValidPlanName(name))
        {
            return OpenAiErrors.BadRequest("The plan name must be 1-64 characters from [A-Za-z0-9._-].", "name");
        }

        (string Field, long Value)[] limits =
        [
            ("requests_per_minute", body.RequestsPerMinute),
            ("tokens_per_minute", body.TokensPerMinute),
            ("tokens_per_day", body.TokensPerDay),
            ("max_parallel_requests", body.MaxParallelRequests),
        ];
        if (limits.FirstOrDefault(l => l.Value < 0) is { Field: not null } negative)
        {
            return OpenAiErrors.InvalidParameter($"{negative.Field} must be 0 (no limit) or more.", negative.Field);
        }

        return body.AllowedModels?.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > MaxModelIdLength) == true
            ? OpenAiErrors.InvalidParameter($"allowed_models entries must be model ids of 1-{MaxModelIdLength} characters.", "allowed_models")
            : null;
    }

    public static OpenAiErrorResult? TokenExchange(TokenExchangeBody body) =>
        body.LifetimeSeconds is { } seconds && (seconds < MinTokenLifetimeSeconds || seconds > MaxTokenLifetimeSeconds)
            ? OpenAiErrors.InvalidParameter(
                $"lifetime_seconds must be between {MinTokenLifetimeSeconds} and {MaxTokenLifetimeSeconds}.", "lifetime_seconds")
            : null;

    public static bool IsValidPlanName(string? name) =>
        name is { Length: > 0 and <= MaxPlanNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
