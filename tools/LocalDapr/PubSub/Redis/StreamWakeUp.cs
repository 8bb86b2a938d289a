using System.Threading.Channels;
using StackExchange.Redis;

namespace LocalDapr.PubSub.Redis;

/// <summary>
/// StackExchange.Redis cannot issue a blocking XREADGROUP on its shared connection, so idle readers poll. To keep
/// latency low without polling hard, publishers of this runtime also send a Redis pub/sub nudge per stream and the
/// readers wait for either the nudge or the poll interval (which still covers entries added by anyone else).
/// </summary>
internal sealed class StreamWakeUp : IAsyncDisposable
{
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Action<RedisChannel, RedisValue> _handler;

    private StreamWakeUp(ISubscriber subscriber, RedisChannel channel)
    {
        _subscriber = subscriber;
        _channel = channel;
        _handler = (_, _) => _signal.Writer.TryWrite(true);
    }

    public static RedisChannel ChannelFor(IDatabase db, string stream) => RedisChannel.Literal($"localdapr:pubsub:{db.Database}:{stream}");

    public static Task NotifyAsync(ConnectionMultiplexer connection, IDatabase db, string stream) =>
        connection.GetSubscriber().PublishAsync(ChannelFor(db, stream), 1, CommandFlags.FireAndForget);

    public static async Task<StreamWakeUp> ListenAsync(ConnectionMultiplexer connection, IDatabase db, string stream)
    {
        var wakeUp = new StreamWakeUp(connection.GetSubscriber(), ChannelFor(db, stream));
        await wakeUp._subscriber.SubscribeAsync(wakeUp._channel, wakeUp._handler);
        return wakeUp;
    }

    /// <summary>Completes on a nudge or after <paramref name="max"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        if (_signal.Reader.TryRead(out _))
        {
            return;
        }

        var nudged = _signal.Reader.WaitToReadAsync(cancellationToken).AsTask();
        await Task.WhenAny(nudged, Task.Delay(max, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        _signal.Reader.TryRead(out _);
    }

    public async ValueTask DisposeAsync() => await _subscriber.UnsubscribeAsync(_channel, _handler);
}
