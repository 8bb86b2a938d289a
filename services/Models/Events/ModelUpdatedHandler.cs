using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Models.Registry;

namespace DeepSeek.Dapr.Models.Events;

/// <summary>
/// <c>model-updated</c> from any models instance: drop the cached registrations so the next lookup reads models-db.
/// It comes on <c>broadcast</c> (a consumer group per instance), so every models replica drops its cache, not one of
/// them. Dropping a cache twice is harmless, which makes the handler idempotent under at-least-once delivery.
/// </summary>
public static partial class ModelUpdatedHandler
{
    public static IEndpointRouteBuilder MapModelEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/events/model-updated", Handle)
            .WithTopic(Components.Broadcast, Topics.ModelUpdated)
            .WithName("OnModelUpdated");
        return app;
    }

    public static IResult Handle(ModelUpdated evt, ModelRegistry registry, ILogger<ModelRegistry> logger)
    {
        registry.Invalidate();
        LogInvalidated(logger, evt.ModelId);
        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Registry cache dropped after model-updated for {ModelId}")]
    private static partial void LogInvalidated(ILogger logger, string modelId);
}
