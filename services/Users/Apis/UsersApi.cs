using System.Globalization;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Apis;

/// <summary>Users, balance (DeepSeek's shape) and usage, for gateway-platform.</summary>
public static class UsersApi
{
    private const int DefaultReportDays = 30;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/users");
        api.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Create a user on a plan with an optional granted balance");
        api.MapGet("/{userId}", GetAsync).WithName("GetUser");
        api.MapPost("/{userId}/topup", TopUpAsync).WithName("TopUp").WithSummary("Add to the topped-up (or granted) balance");
        api.MapGet("/{userId}/balance", BalanceAsync).WithName("GetBalance").WithSummary("Balance in the shape of DeepSeek's GET /user/balance");
        api.MapGet("/{userId}/usage", UsageAsync).WithName("GetUsage").WithSummary("Usage by UTC day and model; from/to as yyyy-MM-dd (default: last 30 days)");
        return app;
    }

    public static async Task<Results<Created<UserInfo>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> CreateAsync(
        CreateUserRequest request, AccountService accounts, IOptions<UsersOptions> options, CancellationToken ct)
    {
        var id = string.IsNullOrEmpty(request.Id) ? $"user-{Guid.NewGuid():N}"[..21] : request.Id;
        if (!Identifiers.IsValidUserId(id))
        {
            return TypedResults.BadRequest(Invalid("id must be 1-64 characters from [A-Za-z0-9._@-]", "id"));
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return TypedResults.BadRequest(Invalid("name is required (at most 200 characters)", "name"));
        }

        if (request.Plan is not null && !options.Value.Plans.ContainsKey(request.Plan))
        {
            return TypedResults.BadRequest(Invalid($"unknown plan '{request.Plan}': use one of {string.Join(", ", options.Value.Plans.Keys)}", "plan"));
        }

        if (request.GrantedBalance is < 0m)
        {
            return TypedResults.BadRequest(Invalid("granted_balance must not be negative", "granted_balance"));
        }

        var created = await accounts.CreateAsync(id, request.Name, request.Plan, request.GrantedBalance ?? 0m, ct);
        return created is null
            ? TypedResults.Conflict(ErrorResponse.Create($"User '{id}' already exists.", ErrorTypes.InvalidRequest, "user_exists", "id"))
            : TypedResults.Created($"/internal/users/{id}", AccountService.ToInfo(created));
    }

    public static async Task<Results<Ok<UserInfo>, NotFound<ErrorResponse>>> GetAsync(string userId, AccountService accounts, CancellationToken ct) =>
        await FindAsync(userId, accounts, ct) is { } account ? TypedResults.Ok(AccountService.ToInfo(account)) : TypedResults.NotFound(UnknownUser(userId));

    public static async Task<Results<Ok<UserBalance>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> TopUpAsync(
        string userId, TopUpRequest request, AccountService accounts, CancellationToken ct)
    {
        if (request.Amount <= 0m || request.Amount > 1_000_000m)
        {
            return TypedResults.BadRequest(Invalid("amount must be greater than 0 and at most 1000000", "amount"));
        }

        var updated = Identifiers.IsValidUserId(userId) ? await accounts.TopUpAsync(userId, request.Amount, request.Granted, ct) : null;
        return updated is null ? TypedResults.NotFound(UnknownUser(userId)) : TypedResults.Ok(AccountService.ToBalance(updated));
    }

    public static async Task<Results<Ok<UserBalance>, NotFound<ErrorResponse>>> BalanceAsync(string userId, AccountService accounts, CancellationToken ct) =>
        await FindAsync(userId, accounts, ct) is { } account ? TypedResults.Ok(AccountService.ToBalance(account)) : TypedResults.NotFound(UnknownUser(userId));

    public static async Task<Results<Ok<UsageReport>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> UsageAsync(
        string userId, string? from, string? to, AccountService accounts, TimeProvider time, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryParseDay(to, today, out var last))
        {
            return TypedResults.BadRequest(Invalid("to must be a date as yyyy-MM-dd", "to"));
        }

        if (!TryParseDay(from, last.AddDays(1 - DefaultReportDays), out var first))
        {
            return TypedResults.BadRequest(Invalid("from must be a date as yyyy-MM-dd", "from"));
        }

        if (first > last || last.DayNumber - first.DayNumber >= AccountService.MaxReportDays)
        {
            return TypedResults.BadRequest(Invalid($"from must not be after to, and the range at most {AccountService.MaxReportDays} days", "from"));
        }

        if (await FindAsync(userId, accounts, ct) is null)
        {
            return TypedResults.NotFound(UnknownUser(userId));
        }

        return TypedResults.Ok(await accounts.UsageAsync(userId, first, last, ct));
    }

    private static async Task<UserAccount?> FindAsync(string userId, AccountService accounts, CancellationToken ct) =>
        Identifiers.IsValidUserId(userId) ? await accounts.GetAsync(userId, ct) : null;

    private static bool TryParseDay(string? value, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(value) || DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static ErrorResponse Invalid(string message, string param) =>
        ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_request", param);

    private static ErrorResponse UnknownUser(string userId) =>
        ErrorResponse.Create($"No user with id '{userId}'.", ErrorTypes.InvalidRequest, "user_not_found", "user_id");
}
