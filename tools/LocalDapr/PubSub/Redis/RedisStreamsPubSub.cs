using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalDapr.PubSub.Redis;

/// <summary>
/// <c>pubsub.redis</c> on Redis Streams, shaped like components-contrib: a topic is a stream, each message is an
/// entry with a <c>data</c> field, each app-id reads through its own consumer group (<c>consumerID</c>, default the
/// app-id) so replicas share the work, and unacknowledged entries are reclaimed and redelivered.
/// </summary>
public sealed class RedisStreamsPubSub(string name, RedisStreamsOptions options, ConnectionMultiplexer connection, ILoggerFactory loggerFactory)
    : IPubSubComponent
{
    public const string ComponentType = "pubsub.redis";
    public const string DataField = "data";

    public string Name { get; } = name;

    public string Type => ComponentType;

    public IReadOnlyList<string> Capabilities { get; } = ["ttl"];

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
        var group = options.ConsumerId?.Replace("{appID}", subscription.AppId, StringComparison.Ordinal) ?? subscription.AppId;
        var db = connection.GetDatabase();
        try
        {
            // "0": a new group also sees entries published before the app first subscribed, as components-contrib does.
            await db.StreamCreateConsumerGroupAsync(subscription.Topic, group, "0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group survives app restarts; its pending entries are exactly what must be redelivered.
        }

        var wakeUp = await StreamWakeUp.ListenAsync(connection, db, subscription.Topic);
        return RedisStreamConsumer.Start(db, wakeUp, Name, group, subscription, options, loggerFactory.CreateLogger<RedisStreamConsumer>());
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
