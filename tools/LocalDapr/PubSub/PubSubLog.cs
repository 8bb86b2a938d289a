using Microsoft.Extensions.Logging;

namespace LocalDapr.PubSub;

internal static partial class PubSubLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "pubsub.in-memory {PubSub}: handler for topic {Topic} of app {AppId} failed, message dropped (in-memory never redelivers): {Error}")]
    public static partial void InMemoryHandlerFailed(ILogger logger, string pubSub, string topic, string appId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{PubSub}: delivery on topic {Topic} to app {AppId} abandoned at shutdown")]
    public static partial void DeliveryAbandonedOnShutdown(ILogger logger, string pubSub, string topic, string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pubsub.redis {PubSub}: reading stream {Topic} for group {Group} failed: {Error}")]
    public static partial void RedisReadFailed(ILogger logger, string pubSub, string topic, string group, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pubsub.redis {PubSub}: message {Id} on stream {Topic} for group {Group} not acknowledged, it stays pending for redelivery: {Error}")]
    public static partial void RedisHandlerFailed(ILogger logger, string pubSub, string topic, string group, string id, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "pubsub.redis {PubSub}: redelivering pending message {Id} on stream {Topic} for group {Group}")]
    public static partial void RedisRedelivering(ILogger logger, string pubSub, string topic, string group, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "pubsub.in-memory {PubSub}: app {AppId} has no healthy instance and {Max} messages on topic {Topic} are already waiting for it; message dropped")]
    public static partial void InMemoryParkedFull(ILogger logger, string pubSub, string topic, string appId, int max);
}
