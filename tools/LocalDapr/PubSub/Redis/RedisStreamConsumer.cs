using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalDapr.PubSub.Redis;

/// <summary>
/// The read loop of one consumer group on one stream: XREADGROUP new entries, run up to <c>concurrency</c> handlers,
/// XACK on success, and every <c>redeliverInterval</c> XAUTOCLAIM entries pending longer than <c>processingTimeout</c>.
/// While the app has no healthy instance nothing is fetched, so messages wait in Redis instead of failing.
/// </summary>
internal sealed class RedisStreamConsumer : IAsyncDisposable
{
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(200);

    private readonly IDatabase _db;
    private readonly StreamWakeUp _wakeUp;
    private readonly string _component;
    private readonly string _group;
    private readonly ComponentSubscription _subscription;
    private readonly RedisStreamsOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _readLoop;
    private readonly Task _reclaimLoop;

    private RedisStreamConsumer(IDatabase db, StreamWakeUp wakeUp, string component, string group, ComponentSubscription subscription, RedisStreamsOptions options, ILogger logger)
    {
        _db = db;
        _wakeUp = wakeUp;
        _component = component;
        _group = group;
        _subscription = subscription;
        _options = options;
        _logger = logger;
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        _readLoop = Task.Run(ReadLoopAsync);
        _reclaimLoop = Task.Run(ReclaimLoopAsync);
    }

    /// <summary>Consumer name inside the group: one reader per app-id, so the app-id is enough.</summary>
    private string ConsumerName => _subscription.AppId;

    public static RedisStreamConsumer Start(IDatabase db, StreamWakeUp wakeUp, string component, string group, ComponentSubscription subscription, RedisStreamsOptions options, ILogger logger) =>
        new(db, wakeUp, component, group, subscription, options, logger);

    private async Task ReadLoopAsync()
    {
        var token = _stopping.Token;
        var delay = TimeSpan.FromMilliseconds(5);
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (!_subscription.IsConsumerReady())
                {
                    await Task.Delay(MaxPollDelay, token);
                    continue;
                }

                await _slots.WaitAsync(token);
                var free = _slots.CurrentCount + 1;
                var entries = await _db.StreamReadGroupAsync(_subscription.Topic, _group, ConsumerName, ">", Math.Min(free, _options.QueueDepth));
                if (entries.Length == 0)
                {
                    _slots.Release();
                    await _wakeUp.WaitAsync(delay, token);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
                    continue;
                }

                delay = TimeSpan.FromMilliseconds(5);
                // One slot is already held for the first entry; take the rest before starting them.
                for (var i = 0; i < entries.Length; i++)
                {
                    if (i > 0)
                    {
                        await _slots.WaitAsync(token);
                    }

                    Start(entries[i]);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                PubSubLog.RedisReadFailed(_logger, _component, _subscription.Topic, _group, ex.Message);
                await Task.Delay(MaxPollDelay, CancellationToken.None);
            }
        }
    }

    private async Task ReclaimLoopAsync()
    {
        if (_options.RedeliverInterval <= TimeSpan.Zero)
        {
            return; // redeliverInterval 0 turns redelivery off, as in components-contrib.
        }

        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RedeliverInterval, token);
                if (!_subscription.IsConsumerReady())
                {
                    continue;
                }

                RedisValue start = "0-0";
                do
                {
                    var claimed = await _db.StreamAutoClaimAsync(_subscription.Topic, _group, ConsumerName,
                        (long)_options.ProcessingTimeout.TotalMilliseconds, start, _options.QueueDepth);
                    foreach (var entry in claimed.ClaimedEntries.Where(e => !e.IsNull && !_inFlight.ContainsKey(e.Id!)))
                    {
                        await _slots.WaitAsync(token);
                        PubSubLog.RedisRedelivering(_logger, _component, _subscription.Topic, _group, entry.Id!);
                        Start(entry);
                    }

                    start = claimed.NextStartId;
                }
                while (start != "0-0" && !token.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                PubSubLog.RedisReadFailed(_logger, _component, _subscription.Topic, _group, ex.Message);
            }
        }
    }

    /// <summary>Called with a slot held; the slot is released when the handler finishes.</summary>
    private void Start(StreamEntry entry)
    {
        var id = entry.Id.ToString();
        if (!_inFlight.TryAdd(id, 0))
        {
            _slots.Release();
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var data = (byte[]?)entry[RedisStreamsPubSub.DataField] ?? [];
                await _subscription.Handler(new PubSubMessage(_subscription.Topic, data, new Dictionary<string, string>()), _stopping.Token);
                await _db.StreamAcknowledgeAsync(_subscription.Topic, _group, id);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                PubSubLog.DeliveryAbandonedOnShutdown(_logger, _component, _subscription.Topic, _subscription.AppId);
            }
            catch (Exception ex)
            {
                // Not acknowledged: the entry stays pending and the reclaim loop redelivers it.
                PubSubLog.RedisHandlerFailed(_logger, _component, _subscription.Topic, _group, id, ex.Message);
            }
            finally
            {
                _inFlight.TryRemove(id, out _);
                _slots.Release();
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_readLoop, _reclaimLoop);
        await _wakeUp.DisposeAsync();
    }
}
