using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Validation;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Fallbacks;

/// <summary>
/// Fallback 2 with a stand-in: when generation could not start because inference (or the model's backend behind it)
/// is down, timed out or its breaker is open, and the registry names a <see cref="ModelDescriptor.FallbackModel"/>
/// this request may use, the request is re-targeted at that model. The reply then comes from the fallback model (its
/// id is in the reply's <c>model</c>, usage is charged for it) and is never stored in the response cache under the
/// original model's key. Without a usable fallback the caller gives the degraded 503.
/// </summary>
public sealed partial class ModelFailover(IModelCatalog models, ILogger<ModelFailover> logger)
{
    /// <summary>The request aimed at the fallback model, or null when there is none to try.</summary>
    public async Task<AdmittedRequest?> RetargetAsync(AdmittedRequest admitted, DownstreamUnavailableException failure, CancellationToken cancellationToken)
    {
        if (failure.AppId != AppIds.Inference || admitted.Model.FallbackModel is not { Length: > 0 } name)
        {
            return null;
        }

        ModelDescriptor? fallback;
        try
        {
            fallback = await models.ResolveAsync(name, cancellationToken);
        }
        catch (DownstreamUnavailableException ex)
        {
            LogNoFallback(logger, ex, admitted.Model.Id, name, "models cannot describe it");
            return null;
        }

        var unusable = Unusable(admitted, fallback);
        if (unusable is not null)
        {
            LogNoFallback(logger, null, admitted.Model.Id, name, unusable);
            return null;
        }

        LogFailover(logger, admitted.RequestId, admitted.Model.Id, fallback!.Id, failure.Reason);
        return admitted with { Model = fallback, CacheKey = null };
    }

    private static string? Unusable(AdmittedRequest admitted, ModelDescriptor? fallback)
    {
        if (fallback is null || fallback.Status != "active")
        {
            return "it is not an active model";
        }

        if (string.Equals(fallback.Id, admitted.Model.Id, StringComparison.OrdinalIgnoreCase))
        {
            return "it is the failing model itself";
        }

        if (admitted.Key.AllowedModels is { Count: > 0 } allowed && !allowed.Contains(fallback.Id))
        {
            return "the API key may not use it";
        }

        if (admitted.Request.Tools is { ValueKind: System.Text.Json.JsonValueKind.Array } && !fallback.Backend.SupportsTools)
        {
            return "the request uses tools it does not support";
        }

        return ChatRequestValidator.ValidateAgainstModel(admitted.Request, fallback) is null ? null : "the request's parameters exceed its limits";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: {Model} is unavailable ({Reason}); failing over to {Fallback}")]
    private static partial void LogFailover(ILogger logger, string requestId, string model, string fallback, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} is unavailable and its fallback {Fallback} cannot stand in: {Why}")]
    private static partial void LogNoFallback(ILogger logger, Exception? exception, string model, string fallback, string why);
}
