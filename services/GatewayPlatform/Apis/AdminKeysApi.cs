using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayPlatform.Downstream;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// API keys (answered by auth): a user's keys (never their secrets), create one (the plaintext is in this reply only),
/// revoke one (every gateway replica refuses it within a second).
/// </summary>
public static class AdminKeysApi
{
    public static RouteGroupBuilder MapAdminKeysApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users/{userId}/keys", ListAsync).WithName("AdminListKeys").WithTags("Keys").WithSummary("A user's keys, without secrets");
        admin.MapPost("/users/{userId}/keys", CreateAsync).WithName("AdminCreateKey").WithTags("Keys")
            .WithSummary("Create a key for an existing user; the plaintext api_key is returned only in this reply")
            .Accepts<CreateKeyBody>("application/json");
        admin.MapDelete("/keys/{keyId}", RevokeAsync).WithName("AdminRevokeKey").WithTags("Keys")
            .WithSummary("Revoke a key by its id (the public prefix)");
        return admin;
    }

    public static async Task<Results<Ok<List<ApiKeyInfo>>, OpenAiErrorResult>> ListAsync(string userId, InternalApi api, CancellationToken ct) =>
        AdminValidation.UserId(userId) is { } invalid
            ? invalid
            : (await api.GetAsync(AppIds.Auth, $"internal/users/{Uri.EscapeDataString(userId)}/keys", ContractsJsonContext.Default.ListApiKeyInfo, ct)).ToOk();

    public static async Task<Results<Created<CreatedApiKey>, OpenAiErrorResult>> CreateAsync(
        string userId, HttpRequest request, InternalApi api, TimeProvider time, CancellationToken ct)
    {
        if (AdminValidation.UserId(userId) is { } badId)
        {
            return badId;
        }

        var (body, error) = await JsonBodyReader.ReadAsync(request, GatewayPlatformJsonContext.Default.CreateKeyBody, ct, whenEmpty: new CreateKeyBody());
        if ((error ?? AdminValidation.CreateKey(body!, time.GetUtcNow())) is { } invalid)
        {
            return invalid;
        }

        // auth does not know users: a key for a user that does not exist would never pass a quota check.
        var owner = await api.GetAsync(AppIds.Users, AdminUsersApi.UserPath(userId), ContractsJsonContext.Default.UserInfo, ct);
        if (owner.Error is { } noOwner)
        {
            return noOwner;
        }

        var create = new CreateApiKeyRequest(userId, body!.Name, body.Scopes, body.AllowedModels, body.ExpiresAt);
        var reply = await api.SendJsonAsync(
            AppIds.Auth, HttpMethod.Post, "internal/keys", create, ContractsJsonContext.Default.CreateApiKeyRequest, ContractsJsonContext.Default.CreatedApiKey, ct);
        return reply.Error is { } failed ? failed : TypedResults.Created($"/v1/admin/users/{Uri.EscapeDataString(userId)}/keys", reply.Value);
    }

    public static async Task<Results<Ok<ApiKeyInfo>, OpenAiErrorResult>> RevokeAsync(string keyId, InternalApi api, CancellationToken ct) =>
        (await api.DeleteAsync(AppIds.Auth, $"internal/keys/{Uri.EscapeDataString(keyId)}", ContractsJsonContext.Default.ApiKeyInfo, ct)).ToOk();
}
