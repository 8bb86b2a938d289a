using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>Users: list, create, read, rename or move to another plan, top up, balance (answered by users).</summary>
public static class AdminUsersApi
{
    public static RouteGroupBuilder MapAdminUsersApi(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).WithName("AdminListUsers").WithSummary("Every user");
        users.MapPost("/", CreateAsync).WithName("AdminCreateUser")
            .WithSummary("Create a user on a plan, with an optional granted balance (a missing id is generated)")
            .Accepts<CreateUserRequest>("application/json");
        users.MapGet("/{userId}", GetAsync).WithName("AdminGetUser").WithSummary("One user");
        users.MapPatch("/{userId}", UpdateAsync).WithName("AdminUpdateUser")
            .WithSummary("Rename a user or move it to another plan (gateways drop cached decisions for it)")
            .Accepts<UpdateUserRequest>("application/json");
        users.MapPost("/{userId}/topup", TopUpAsync).WithName("AdminTopUp")
            .WithSummary("Add to the topped-up balance (or the granted one with granted: true); answers the new balance")
            .Accepts<TopUpRequest>("application/json");
        users.MapGet("/{userId}/balance", BalanceAsync).WithName("AdminGetBalance").WithSummary("A user's balance, in DeepSeek's shape");
        return users;
    }

    public static async Task<Results<Ok<List<UserInfo>>, OpenAiErrorResult>> ListAsync(InternalApi api, CancellationToken ct) =>
        (await api.GetAsync(AppIds.Users, "internal/users", ContractsJsonContext.Default.ListUserInfo, ct)).ToOk();

    public static async Task<Results<Created<UserInfo>, OpenAiErrorResult>> CreateAsync(HttpRequest request, InternalApi api, CancellationToken ct)
    {
        var (body, error) = await JsonBodyReader.ReadAsync(request, ContractsJsonContext.Default.CreateUserRequest, ct);
        if ((error ?? AdminValidation.CreateUser(body!)) is { } invalid)
        {
            return invalid;
        }

        var reply = await api.SendJsonAsync(
            AppIds.Users, HttpMethod.Post, "internal/users", body!, ContractsJsonContext.Default.CreateUserRequest, ContractsJsonContext.Default.UserInfo, ct);
        return reply.Error is { } failed ? failed : TypedResults.Created($"/v1/admin/users/{Uri.EscapeDataString(reply.Value!.Id)}", reply.Value);
    }

    public static async Task<Results<Ok<UserInfo>, OpenAiErrorResult>> GetAsync(string userId, InternalApi api, CancellationToken ct) =>
        AdminValidation.UserId(userId) is { } invalid
            ? invalid
            : (await api.GetAsync(AppIds.Users, UserPath(userId), ContractsJsonContext.Default.UserInfo, ct)).ToOk();

    public static async Task<Results<Ok<UserInfo>, OpenAiErrorResult>> UpdateAsync(string userId, HttpRequest request, InternalApi api, CancellationToken ct)
    {
        if (AdminValidation.UserId(userId) is { } badId)
        {
            return badId;
        }

        var (body, error) = await JsonBodyReader.ReadAsync(request, ContractsJsonContext.Default.UpdateUserRequest, ct);
        if ((error ?? AdminValidation.UpdateUser(body!)) is { } invalid)
        {
            return invalid;
        }

        return (await api.SendJsonAsync(
            AppIds.Users, HttpMethod.Patch, UserPath(userId), body!, ContractsJsonContext.Default.UpdateUserRequest, ContractsJsonContext.Default.UserInfo, ct)).ToOk();
    }

    public static async Task<Results<Ok<UserBalance>, OpenAiErrorResult>> TopUpAsync(string userId, HttpRequest request, InternalApi api, CancellationToken ct)
    {
        if (AdminValidation.UserId(userId) is { } badId)
        {
            return badId;
        }

        var (body, error) = await JsonBodyReader.ReadAsync(request, ContractsJsonContext.Default.TopUpRequest, ct);
        if ((error ?? AdminValidation.TopUp(body!)) is { } invalid)
        {
            return invalid;
        }

        return (await api.SendJsonAsync(
            AppIds.Users, HttpMethod.Post, $"{UserPath(userId)}/topup", body!, ContractsJsonContext.Default.TopUpRequest, ContractsJsonContext.Default.UserBalance, ct)).ToOk();
    }

    public static async Task<Results<Ok<UserBalance>, OpenAiErrorResult>> BalanceAsync(string userId, InternalApi api, CancellationToken ct) =>
        AdminValidation.UserId(userId) is { } invalid
            ? invalid
            : (await api.GetAsync(AppIds.Users, $"{UserPath(userId)}/balance", ContractsJsonContext.Default.UserBalance, ct)).ToOk();

    internal static string UserPath(string userId) => $"internal/users/{Uri.EscapeDataString(userId)}";
}
