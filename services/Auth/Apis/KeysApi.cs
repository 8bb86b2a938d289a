using System.Text.Json;
using Dapr.Client;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Auth.Apis;

/// <summary>Internal key API, called by the gateways through their sidecars.</summary>
public static partial class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal");
        api.MapPost("/keys/verify", VerifyAsync).WithName("VerifyApiKey").WithSummary("Check an API key (200 with valid=false and a reason when refused)");
        api.MapPost("/keys", CreateAsync).WithName("CreateApiKey").WithSummary("Create a key for a user; the plaintext is returned only here");
        api.MapGet("/users/{userId}/keys", ListAsync).WithName("ListApiKeys").WithSummary("A user's keys, without secrets");
        api.MapDelete("/keys/{keyId}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revoke a key and publish api-key-revoked");
        return app;
    }

    public static async Task<Ok<KeyVerificationResult>> VerifyAsync(KeyVerificationRequest request, ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.VerifyAsync(request.ApiKey, ct));

    public static async Task<Results<Ok<CreatedApiKey>, BadRequest<ErrorResponse>>> CreateAsync(
        CreateApiKeyRequest request, ApiKeyService keys, TimeProvider time, ILogger<ApiKeyService> logger, CancellationToken ct)
    {
        if (!KeyRequestValidator.TryValidate(request, time.GetUtcNow(), out var key, out var error))
        {
            return TypedResults.BadRequest(ErrorResponse.Create(error!.Value.Message, ErrorTypes.InvalidRequest, "invalid_request", error.Value.Param));
        }

        var created = await keys.CreateAsync(key!, ct);
        LogCreated(logger, created.Key.Id, created.Key.UserId);
        return TypedResults.Ok(created);
    }

    public static async Task<Results<Ok<List<ApiKeyInfo>>, BadRequest<ErrorResponse>>> ListAsync(string userId, ApiKeyService keys, CancellationToken ct)
    {
        if (!KeyRequestValidator.IsValidUserId(userId))
        {
            return TypedResults.BadRequest(ErrorResponse.Create("invalid user id", ErrorTypes.InvalidRequest, "invalid_request", "user_id"));
        }

        return TypedResults.Ok((await keys.ListAsync(userId, ct)).ToList());
    }

    public static async Task<Results<Ok<ApiKeyInfo>, NotFound<ErrorResponse>>> RevokeAsync(
        string keyId, ApiKeyService keys, DaprClient dapr, ILogger<ApiKeyService> logger, CancellationToken ct)
    {
        var revoked = ApiKeyFormat.IsValidPrefix(keyId) ? await keys.RevokeAsync(keyId, ct) : null;
        if (revoked is null)
        {
            return TypedResults.NotFound(ErrorResponse.Create($"No API key with id '{keyId}'.", ErrorTypes.InvalidRequest, "key_not_found", "key_id"));
        }

        // Published on every call, not only the first: if an earlier publish failed, a repeated DELETE still evicts caches.
        var evt = new ApiKeyRevoked(revoked.Id, revoked.UserId, revoked.RevokedAt!.Value);
        await dapr.PublishByteEventAsync(
            Components.PubSub, Topics.ApiKeyRevoked, JsonSerializer.SerializeToUtf8Bytes(evt, ContractsJsonContext.Default.ApiKeyRevoked), cancellationToken: ct);
        LogRevoked(logger, revoked.Id, revoked.UserId);
        return TypedResults.Ok(revoked);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {KeyId} for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string keyId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId} of user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string keyId, string userId);
}
