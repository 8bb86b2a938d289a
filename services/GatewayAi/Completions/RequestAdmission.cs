using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Accounting;
using DeepSeek.Dapr.GatewayAi.Caching;
using DeepSeek.Dapr.GatewayAi.Decisions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.GatewayAi.Validation;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace DeepSeek.Dapr.GatewayAi.Completions;

/// <summary>
/// Everything that must hold before generation, in two concurrent rounds: (key decision ‖ model resolution), then
/// (reservation on the account actor ‖ response cache lookup). A key decision cached fresh costs no hop, so such a
/// request pays models, then one round. A bad key wins over an unknown model, so an anonymous caller learns nothing
/// about the registry. Cache hits reserve too: they are charged, at the cache-hit price.
/// </summary>
public sealed class RequestAdmission(
    KeyDecisions keys, IModelCatalog models, AccountGate accounts, IResponseCache cache, FallbackMarker fallbacks, GatewayMetrics metrics)
{
    public async Task<(AdmittedRequest? Admitted, OpenAiErrorResult? Refusal)> AdmitAsync(
        ChatCompletionRequest request, BearerReadResult bearer, HttpContext httpContext, long startedAt, CancellationToken cancellationToken)
    {
        if (bearer.Key is null)
        {
            return (null, ApiKeyErrors.ForReason(bearer.FailureReason));
        }

        var keyTask = keys.VerifyAsync(bearer.Key, cancellationToken).AsTask();
        var modelTask = models.ResolveAsync(request.Model!, cancellationToken);
        await TaskGroup.SettleAsync(keyTask, modelTask);

        var (key, source) = await keyTask;
        if (!key.Valid || key.UserId is null)
        {
            return (null, ApiKeyErrors.ForResult(key));
        }

        if (source == KeyDecisionSource.StaleFallback)
        {
            fallbacks.Mark(httpContext, FallbackKinds.AuthCache);
        }

        var model = await modelTask;
        if (CheckModel(request, model, key) is { } modelRefusal)
        {
            return (null, modelRefusal);
        }

        var promptTokens = TokenCounter.CountPrompt(request.Messages!);
        var cacheKey = CompletionCacheKey.IsCacheable(request) ? CompletionCacheKey.Compute(request, model!.Id) : null;
        var reservation = new ReservationRequest(
            httpContext.GetRequestId(), key.KeyId, model!.Id, promptTokens, request.MaxTokens ?? model.MaxOutputTokens);
        var accountTask = accounts.AdmitAsync(key.UserId, reservation, httpContext);
        var cachedTask = cacheKey is null ? Task.FromResult<ChatCompletion?>(null) : cache.GetAsync(cacheKey, cancellationToken);
        await TaskGroup.SettleAsync(accountTask, cachedTask);

        var (decision, ticket) = await accountTask;
        if (!decision.Allowed)
        {
            return (null, OpenAiErrors.FromStatus(decision.Status, decision.Message ?? DefaultQuotaMessage(decision.Status), decision.RetryAfterSeconds));
        }

        var cached = await cachedTask;
        if (cacheKey is not null)
        {
            metrics.CacheLookup(cached is not null);
        }

        return (new AdmittedRequest(reservation.RequestId, request, model, key, decision, promptTokens, cacheKey, cached, startedAt)
        {
            Reservation = ticket,
        }, null);
    }

    private static OpenAiErrorResult? CheckModel(ChatCompletionRequest request, ModelDescriptor? model, KeyVerificationResult key)
    {
        if (model is null || model.Status == "disabled")
        {
            return OpenAiErrors.ModelNotFound(request.Model!);
        }

        if (model.Status != "active")
        {
            return OpenAiErrors.Unavailable($"The model '{model.Id}' is not ready yet (status '{model.Status}').", 30, "model_not_ready");
        }

        if (key.AllowedModels is { Count: > 0 } allowed && !allowed.Contains(model.Id) && !allowed.Contains(request.Model!))
        {
            return OpenAiErrors.Forbidden($"This API key may not use the model '{request.Model}'.", "model_not_allowed");
        }

        return ChatRequestValidator.ValidateAgainstModel(request, model);
    }

    private static string DefaultQuotaMessage(int status) => status switch
    {
        402 => "Insufficient Balance: top up your account to continue.",
        403 => "You do not have permission to use this model.",
        429 => "Rate limit reached for your plan; retry later.",
        _ => "The request was refused by the quota check.",
    };
}
