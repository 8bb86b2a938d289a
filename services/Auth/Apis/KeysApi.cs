using System.Text.Json;
using Dapr.Client;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Auth.Apis;

/// <summary>Internal key API, called by the gateways through their sidecars. Keys are logged by their public id only.</summary>
public static partial class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal");
        api.MapPost("/keys/verify", VerifyAsync).WithName("VerifyApiKey").WithSummary("Check an API key (200 with valid=false and a reason when refused)");
        api.MapPost("/keys", CreateAsync).WithName("CreateApiKey").WithSummary("Create a key for a user; the plaintext is returned only here");
        api.MapGet("/keys", ListAllAsync).WithName("ListAllApiKeys").WithSummary("Every key of every user (admin view), without secrets");
        api.MapGet("/keys/{keyId}", GetAsync).WithName("GetApiKey").WithSummary("One key, without its secret");
        api.MapGet("/users/{userId}/keys", ListAsync).WithName("ListApiKeys").WithSummary("A user's keys, without secrets");
        api.MapDelete("/keys/{keyId}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revoke a key (idempotent) and broadcast api-key-revoked");
        return app;
    }

    public static async Task<Ok<KeyVerificationResult>> VerifyAsync(KeyVerificationRequest request, ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.VerifyAsync(request.ApiKey, ct));

    public static async Task<Results<Created<CreatedApiKey>, BadRequest<ErrorResponse>>> CreateAsync(
        CreateApiKeyRequest request, ApiKeyService keys, TimeProvider time, ILogger<ApiKeyService> logger, CancellationToken ct)
    {
        if (!KeyRequestValidator.TryValidate(request, time.GetUtcNow(), out var key, out var error))
        {
            return InvalidRequest(error!.Value.Message, error.Value.Param);
        }

        var created = await keys.CreateAsync(key!, ct);
        LogCreated(logger, created.Key.Id, created.Key.UserId, string.Join(' ', created.Key.Scopes));
        return TypedResults.Created($"/internal/keys/{created.Key.Id}", created);
    }

    public static async Task<Ok<List<ApiKeyInfo>>> ListAllAsync(ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAllAsync(ct)).ToList());

    public static async Task<Results<Ok<ApiKeyInfo>, NotFound<ErrorResponse>>> GetAsync(string keyId, ApiKeyService keys, CancellationToken ct) =>
        (ApiKeyFormat.IsValidPrefix(keyId) ? await keys.FindAsync(keyId, ct) : null) is { } key ? TypedResults.Ok(key) : KeyNotFound(keyId);

    public static async Task<Results<Ok<List<ApiKeyInfo>>, BadRequest<ErrorResponse>>> ListAsync(string userId, ApiKeyService keys, CancellationToken ct)
    {
        if (!KeyRequestValidator.IsValidUserId(userId))
        {
            return InvalidRequest("user_id must be 1-64 characters from [A-Za-z0-9._@-]", "user_id");
        }

        return TypedResults.Ok((await keys.ListAsync(userId, ct)).ToList());
    }

    /// <summary>
    /// The record is revoked (committed) before the event goes out, so a gateway that re-verifies on the event already
    /// sees the revocation. The event is published on every call, not only the first: if an earlier publish failed,
    /// repeating the DELETE still evicts the caches.
    /// </summary>
    public static async Task<Results<Ok<ApiKeyInfo>, NotFound<ErrorResponse>>> RevokeAsync(
        string keyId, ApiKeyService keys, DaprClient dapr, ILogger<ApiKeyService> logger, CancellationToken ct)
    {
        var revoked = ApiKeyFormat.IsValidPrefix(keyId) ? await keys.RevokeAsync(keyId, ct) : null;
        if (revoked is null)
        {
            return KeyNotFound(keyId);
        }

        var evt = new ApiKeyRevoked(revoked.Id, revoked.UserId, revoked.RevokedAt!.Value);
        await dapr.PublishByteEventAsync(
            Components.Broadcast, Topics.ApiKeyRevoked, JsonSerializer.SerializeToUtf8Bytes(evt, ContractsJsonContext.Default.ApiKeyRevoked), cancellationToken: ct);
        LogRevoked(logger, revoked.Id, revoked.UserId);
        return TypedResults.Ok(revoked);
    }

    private static BadRequest<ErrorResponse> InvalidRequest(string message, string param) =>
        TypedResults.BadRequest(ErrorResponse.Create(message, ErrorTypes.InvalidRequest, "invalid_request", param));

    /// <summary>Echoes the id only when it has the shape of a public prefix, so a full key pasted by mistake is not sent back.</summary>
    private static NotFound<ErrorResponse> KeyNotFound(string keyId) =>
        TypedResults.NotFound(ErrorResponse.Create(
            ApiKeyFormat.IsValidPrefix(keyId) ? $"No API key with id '{keyId}'." : "No API key with this id (ids are the 8-character public prefix).",
            ErrorTypes.InvalidRequest, "key_not_found", "key_id"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {KeyId} for user {UserId} (scopes {Scopes})")]
    private static partial void LogCreated(ILogger logger, string keyId, string userId, string scopes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId} of user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string keyId, string userId);
}
