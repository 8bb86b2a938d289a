using Microsoft.Extensions.Logging;

namespace LocalDapr.Subscriptions;

internal static partial class SubscriptionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} subscribed to {PubSub}/{Topic} ({Type})")]
    public static partial void Subscribed(ILogger logger, string appId, string pubSub, string topic, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} instance on port {Port} subscribed to {PubSub}/{Topic} as its own consumer {Group}")]
    public static partial void SubscribedInstance(ILogger logger, string appId, int port, string pubSub, string topic, string group);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read the subscriptions of app {AppId}: {Error}")]
    public static partial void DiscoveryFailed(ILogger logger, string appId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "App {AppId}: subscription ignored: {Error}")]
    public static partial void InvalidSubscription(ILogger logger, string appId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: subscription to {PubSub}/{Topic} ({Type}) duplicates an earlier one and is ignored")]
    public static partial void DuplicateSubscription(ILogger logger, string appId, string pubSub, string topic, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: pubsub {PubSub} is not found or not in scope; subscription to topic {Topic} is ignored")]
    public static partial void UnknownPubSub(ILogger logger, string appId, string pubSub, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message on {PubSub}/{Topic} for app {AppId} is not a CloudEvent")]
    public static partial void NotACloudEvent(ILogger logger, string pubSub, string topic, string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping expired pub/sub event {Id} on {PubSub}/{Topic}")]
    public static partial void Expired(ILogger logger, string id, string pubSub, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No route matches event {Id} on {PubSub}/{Topic} for app {AppId}; skipping")]
    public static partial void NoMatchingRoute(ILogger logger, string id, string pubSub, string topic, string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DROP status returned from app {AppId} while processing pub/sub event {Id} on {PubSub}/{Topic}")]
    public static partial void AppDropped(ILogger logger, string id, string pubSub, string topic, string appId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Non-retriable error returned from app {AppId} while processing pub/sub event {Id} on {PubSub}/{Topic}: 404 on {Path}: {Body}")]
    public static partial void AppNotFound(ILogger logger, string id, string pubSub, string topic, string appId, string path, string body);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of pub/sub event {Id} on {PubSub}/{Topic} to app {AppId} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string id, string pubSub, string topic, string appId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on {PubSub}/{Topic} for app {AppId} sent to dead-letter topic {DeadLetterTopic}")]
    public static partial void SentToDeadLetter(ILogger logger, string pubSub, string topic, string deadLetterTopic, string appId);
}
