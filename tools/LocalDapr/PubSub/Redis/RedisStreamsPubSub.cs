using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalDapr.PubSub.Redis;

/// <summary>
/// <c>pubsub.redis</c> on Redis Streams, shaped like components-contrib: a topic is a stream, each message is an
/// entry with a <c>data</c> field, each app-id reads through its own consumer group (<c>consumerID</c>, default the
/// app-id) so replicas share the work, and unacknowledged entries are reclaimed and redelivered. A per-instance
/// subscription (consumerID with <c>{uuid}</c> or <c>{podName}</c>) reads through its own group, so every instance
/// gets every entry; a <c>{uuid}</c> group starts at the newest entry and is destroyed when its instance is gone.
/// </summary>
public sealed class RedisStreamsPubSub(string name, RedisStreamsOptions options, ConnectionMultiplexer connection, ILoggerFactory loggerFactory)
    : IPubSubComponent
{
    public const string ComponentType = "pubsub.redis";
    public const string DataField = "data";

    public string Name { get; } = name;

    public string Type => ComponentType;

    public IReadOnlyList<string> Capabilities { get; } = ["ttl"];

    public string? ConsumerIdTemplate => options.ConsumerId;

    public static async Task<RedisStreamsPubSub> ConnectAsync(string name, RedisStreamsOptions options, ILoggerFactory loggerFactory, TextWriter? log = null)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(options.Connection, log);
        return new RedisStreamsPubSub(name, options, connection, loggerFactory);
    }

    public async Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var db = connection.GetDatabase();
        await db.StreamAddAsync(
            message.Topic,
            [new NameValueEntry(DataField, message.Data.ToArray())],
            maxLength: options.MaxLenApprox,
            useApproximateMaxLength: options.MaxLenApprox is not null);
        await StreamWakeUp.NotifyAsync(connection, db, message.Topic);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(ComponentSubscription subscription, CancellationToken cancellationToken)
    {
        // {appID} is one of the template values daprd expands in component metadata.
        var group = subscription.ConsumerGroup
            ?? options.ConsumerId?.Replace(ConsumerTemplate.AppIdPlaceholder, subscription.AppId, StringComparison.Ordinal)
            ?? subscription.AppId;
        var db = connection.GetDatabase();
        try
        {
            // "0": a new group also sees entries published before the app first subscribed, as components-contrib does.
            // An ephemeral group is new with its instance, and what was published before concerns older instances.
            await db.StreamCreateConsumerGroupAsync(subscription.Topic, group, subscription.EphemeralGroup ? "$" : "0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group survives app restarts; its pending entries are exactly what must be redelivered.
        }

        var wakeUp = await StreamWakeUp.ListenAsync(connection, db, subscription.Topic);
        var consumer = RedisStreamConsumer.Start(db, wakeUp, Name, group, subscription, options, loggerFactory.CreateLogger<RedisStreamConsumer>());
        return subscription.EphemeralGroup ? new EphemeralGroup(consumer, db, subscription.Topic, group) : consumer;
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();

    /// <summary>Stops the consumer, then destroys its group so groups of instances that are gone do not pile up.</summary>
    private sealed class EphemeralGroup(RedisStreamConsumer consumer, IDatabase db, string topic, string group) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await consumer.DisposeAsync();
            try
            {
                await db.StreamDeleteConsumerGroupAsync(topic, group);
            }
            catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
            {
                // The connection is going away with the runtime; a left-over group only costs its memory in Redis.
            }
        }
    }
}
