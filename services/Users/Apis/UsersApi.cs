using System.Globalization;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using DeepSeek.Dapr.Users.Events;
using DeepSeek.Dapr.Users.Plans;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Users.Apis;

/// <summary>Users, balance (DeepSeek's shape) and usage, for gateway-platform. Every account operation is a turn of the user's actor.</summary>
public static class UsersApi
{
    public const int MaxReportDays = 366;
    private const int DefaultReportDays = 30;
    private const int ListParallelism = 8;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/users").AddEndpointFilter<AccountsUnavailableFilter>();
        api.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Every user, ordered by id");
        api.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Create a user on a plan with an optional granted balance");
        api.MapGet("/{userId}", GetAsync).WithName("GetUser");
        api.MapPatch("/{userId}", UpdateAsync).WithName("UpdateUser").WithSummary("Change name and/or plan; a plan change is announced on account-changed");
        api.MapPost("/{userId}/topup", TopUpAsync).WithName("TopUp").WithSummary("Add to the topped-up (or granted) balance");
        api.MapGet("/{userId}/balance", BalanceAsync).WithName("GetBalance").WithSummary("Balance in the shape of DeepSeek's GET /user/balance");
        api.MapGet("/{userId}/usage", UsageAsync).WithName("GetUsage")
            .WithSummary("Usage by UTC day and model; from/to as yyyy-MM-dd (default: last 30 days); key_id narrows it to one API key");
        return app;
    }

    public static async Task<Ok<List<UserInfo>>> ListAsync(UserIndex index, UserAccounts accounts, CancellationToken ct)
    {
        var ids = await index.ListAsync(ct);
        var found = new UserInfo?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = ListParallelism, CancellationToken = ct }, async (i, token) =>
        {
            var reply = await accounts.GetAsync(ids[i], token);
            found[i] = reply.Account is { } account ? AccountViews.ToInfo(account) : null;
        });
        return TypedResults.Ok(found.OfType<UserInfo>().ToList());
    }

    public static async Task<Results<Created<UserInfo>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> CreateAsync(
        CreateUserRequest request, UserAccounts accounts, UserIndex index, PlanCatalog plans, IOptions<UsersOptions> options, CancellationToken ct)
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

        var plan = request.Plan ?? options.Value.DefaultPlan;
        if (await UnknownPlanAsync(plan, plans, ct) is { } unknown)
        {
            return TypedResults.BadRequest(unknown);
        }

        if (request.GrantedBalance is < 0m or > 1_000_000m)
        {
            return TypedResults.BadRequest(Invalid("granted_balance must be between 0 and 1000000", "granted_balance"));
        }

        // Indexed first: an id whose create then fails is skipped by the listing (no account), and a retry heals it.
        await index.AddAsync(id, ct);
        var reply = await accounts.CreateAsync(id, new CreateAccount(request.Name, plan, request.GrantedBalance ?? 0m), ct);
        return reply.Status == AccountStatus.Created
            ? TypedResults.Created($"/internal/users/{id}", AccountViews.ToInfo(reply.Account!))
            : TypedResults.Conflict(ErrorResponse.Create($"User '{id}' already exists.", ErrorTypes.InvalidRequest, "user_exists", "id"));
    }

    public static async Task<Results<Ok<UserInfo>, NotFound<ErrorResponse>>> GetAsync(string userId, UserAccounts accounts, CancellationToken ct) =>
        await FindAsync(userId, accounts, ct) is { } account ? TypedResults.Ok(AccountViews.ToInfo(account)) : TypedResults.NotFound(UnknownUser(userId));

    public static async Task<Results<Ok<UserInfo>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> UpdateAsync(
        string userId, UpdateUserRequest request, UserAccounts accounts, PlanCatalog plans, AccountChangePublisher changes, CancellationToken ct)
    {
        if (request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200))
        {
            return TypedResults.BadRequest(Invalid("name must not be blank (at most 200 characters)", "name"));
        }

        if (request.Plan is not null && await UnknownPlanAsync(request.Plan, plans, ct) is { } unknown)
        {
            return TypedResults.BadRequest(unknown);
        }

        if (!Identifiers.IsValidUserId(userId))
        {
            return TypedResults.NotFound(UnknownUser(userId));
        }

        var reply = await accounts.UpdateAsync(userId, request, ct);
        if (reply.Account is not { } account)
        {
            return TypedResults.NotFound(UnknownUser(userId));
        }

        if (reply.PlanChanged)
        {
            await changes.PublishAsync(userId, "plan", ct);
        }

        return TypedResults.Ok(AccountViews.ToInfo(account));
    }

    public static async Task<Results<Ok<UserBalance>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> TopUpAsync(
        string userId, TopUpRequest request, UserAccounts accounts, CancellationToken ct)
    {
        if (request.Amount <= 0m || request.Amount > 1_000_000m)
        {
            return TypedResults.BadRequest(Invalid("amount must be greater than 0 and at most 1000000", "amount"));
        }

        var reply = Identifiers.IsValidUserId(userId) ? await accounts.TopUpAsync(userId, request, ct) : null;
        return reply?.Account is { } account ? TypedResults.Ok(AccountViews.ToBalance(account)) : TypedResults.NotFound(UnknownUser(userId));
    }

    public static async Task<Results<Ok<UserBalance>, NotFound<ErrorResponse>>> BalanceAsync(string userId, UserAccounts accounts, CancellationToken ct) =>
        await FindAsync(userId, accounts, ct) is { } account ? TypedResults.Ok(AccountViews.ToBalance(account)) : TypedResults.NotFound(UnknownUser(userId));

    public static async Task<Results<Ok<UsageReport>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> UsageAsync(
        string userId, string? from, string? to, [FromQuery(Name = "key_id")] string? keyId,
        UserAccounts accounts, TimeProvider time, CancellationToken ct)
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

        if (first > last || last.DayNumber - first.DayNumber >= MaxReportDays)
        {
            return TypedResults.BadRequest(Invalid($"from must not be after to, and the range at most {MaxReportDays} days", "from"));
        }

        if (keyId is { Length: 0 or > 128 })
        {
            return TypedResults.BadRequest(Invalid("key_id must be 1-128 characters", "key_id"));
        }

        var reply = Identifiers.IsValidUserId(userId) ? await accounts.UsageAsync(userId, new UsageQuery(first, last, keyId), ct) : null;
        return reply is { Found: true }
            ? TypedResults.Ok(new UsageReport(userId, UsageLedger.Iso(first), UsageLedger.Iso(last), reply.Currency, reply.Lines))
            : TypedResults.NotFound(UnknownUser(userId));
    }

    private static async Task<AccountView?> FindAsync(string userId, UserAccounts accounts, CancellationToken ct) =>
        Identifiers.IsValidUserId(userId) ? (await accounts.GetAsync(userId, ct)).Account : null;

    private static async Task<ErrorResponse?> UnknownPlanAsync(string plan, PlanCatalog plans, CancellationToken ct)
    {
        var all = await plans.AllAsync(ct);
        return all.ContainsKey(plan) ? null : Invalid($"unknown plan '{plan}': use one of {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}", "plan");
    }

    private static bool TryParseDay(string? value, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(value) || DateOnly.TryParseExact(value, UsageLedger.DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    internal static ErrorResponse Invalid(string message, string param) =>
        ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_request", param);

    private static ErrorResponse UnknownUser(string userId) =>
        ErrorResponse.Create($"No user with id '{userId}'.", ErrorTypes.InvalidRequest, "user_not_found", "user_id");
}
