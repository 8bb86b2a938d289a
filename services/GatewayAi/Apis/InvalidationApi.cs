using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.GatewayAi.Accounting;
using DeepSeek.Dapr.GatewayAi.Decisions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayAi.Apis;

/// <summary>
/// Subscriptions on the <c>broadcast</c> pub/sub (a consumer group per instance, so every replica gets every message):
/// a revoked key, a changed account or a changed model registration drops the replica's cached answers at once. Evicting is idempotent, so a
/// redelivered event is harmless; an event that cannot be read is dropped (redelivery cannot fix it).
/// </summary>
public static partial class InvalidationApi
{
    public static WebApplication MapInvalidationApi(this WebApplication app)
    {
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        var events = app.MapGroup("/events");
        events.MapPost("/api-key-revoked", OnApiKeyRevoked)
            .WithTopic(Components.Broadcast, Topics.ApiKeyRevoked)
            .WithName("OnApiKeyRevoked")
            .ExcludeFromDescription();
        events.MapPost("/account-changed", OnAccountChanged)
            .WithTopic(Components.Broadcast, Topics.AccountChanged)
            .WithName("OnAccountChanged")
            .ExcludeFromDescription();
        events.MapPost("/model-updated", OnModelUpdated)
            .WithTopic(Components.Broadcast, Topics.ModelUpdated)
            .WithName("OnModelUpdated")
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<JsonHttpResult<SubscriptionReply>> OnApiKeyRevoked(
        HttpRequest request, KeyDecisionCache decisions, ILogger<KeyDecisionCache> logger)
    {
        var evt = InvalidationEventReader.ReadApiKeyRevoked(await ReadBodyAsync(request));
        if (evt is null)
        {
            LogUnreadable(logger, Topics.ApiKeyRevoked);
            return Reply(SubscriptionReply.Drop);
        }

        LogKeyRevoked(logger, evt.KeyId, decisions.EvictKey(evt.KeyId));
        return Reply(SubscriptionReply.Success);
    }

    public static async Task<JsonHttpResult<SubscriptionReply>> OnAccountChanged(
        HttpRequest request, KeyDecisionCache decisions, LocalAllowance allowance, ILogger<KeyDecisionCache> logger)
    {
        var evt = InvalidationEventReader.ReadAccountChanged(await ReadBodyAsync(request));
        if (evt is null)
        {
            LogUnreadable(logger, Topics.AccountChanged);
            return Reply(SubscriptionReply.Drop);
        }

        allowance.Forget(evt.UserId);
        LogAccountChanged(logger, evt.UserId, evt.Change, decisions.EvictUser(evt.UserId));
        return Reply(SubscriptionReply.Success);
    }

    public static async Task<JsonHttpResult<SubscriptionReply>> OnModelUpdated(
        HttpRequest request, IModelCatalog models, ILogger<KeyDecisionCache> logger)
    {
        var evt = InvalidationEventReader.ReadModelUpdated(await ReadBodyAsync(request));
        if (evt is null)
        {
            LogUnreadable(logger, Topics.ModelUpdated);
            return Reply(SubscriptionReply.Drop);
        }

        models.Evict();
        LogModelUpdated(logger, evt.ModelId);
        return Reply(SubscriptionReply.Success);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private static JsonHttpResult<SubscriptionReply> Reply(SubscriptionReply reply) =>
        TypedResults.Json(reply, ContractsJsonContext.Default.SubscriptionReply);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} revoked: {Evicted} cached decision(s) dropped")]
    private static partial void LogKeyRevoked(ILogger logger, string keyId, int evicted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} changed ({Change}): {Evicted} cached decision(s) dropped")]
    private static partial void LogAccountChanged(ILogger logger, string userId, string change, int evicted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} changed: cached model descriptors dropped")]
    private static partial void LogModelUpdated(ILogger logger, string modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable {Topic} event dropped")]
    private static partial void LogUnreadable(ILogger logger, string topic);
}
