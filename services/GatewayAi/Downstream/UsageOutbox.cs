using System.Collections.Concurrent;
using DeepSeek.Dapr.Contracts.Events;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// Usage events whose publish failed even after the sidecar's retries (pub/sub broker or sidecar down longer than the
/// resiliency policy waits). Dropping them would leave answered requests uncharged, so they are kept in order and
/// published again, with the same event ids (users and monitoring are idempotent by id), until the broker takes them.
/// In memory only: a publish failing means the sidecar's stores are just as unlikely to answer, so the process keeps
/// them; what is still here when the app stops is logged with every event id, to be replayed by an operator.
/// </summary>
public sealed partial class UsageOutbox(
    IUsageEventSender sender, IOptions<UsageOutboxOptions> options, GatewayMetrics metrics, TimeProvider time, ILogger<UsageOutbox> logger)
    : BackgroundService
{
    private readonly ConcurrentQueue<UsageRecorded> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _count;

    public int Pending => Volatile.Read(ref _count);

    /// <summary>Keeps an event the sidecar refused; false (and logged) only when the outbox is full.</summary>
    public bool Keep(UsageRecorded usage)
    {
        if (Interlocked.Increment(ref _count) > options.Value.Capacity)
        {
            Interlocked.Decrement(ref _count);
            LogFull(logger, usage.EventId, usage.RequestId, options.Value.Capacity);
            return false;
        }

        _pending.Enqueue(usage);
        metrics.UsageKept();
        _signal.Release();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = TimeSpan.FromSeconds(settings.FirstRetrySeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _signal.WaitAsync(stoppingToken);
            _signal.Release();
            if (await DrainAsync(stoppingToken))
            {
                backoff = TimeSpan.FromSeconds(settings.FirstRetrySeconds);
                continue;
            }

            await Task.Delay(backoff, time, stoppingToken);
            backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, settings.MaxRetrySeconds));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var lastTry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lastTry.CancelAfter(TimeSpan.FromSeconds(options.Value.DrainOnStopSeconds));
        try
        {
            await DrainAsync(lastTry.Token);
        }
        catch (OperationCanceledException)
        {
            // What is left is logged below.
        }

        while (_pending.TryDequeue(out var usage))
        {
            LogUnpublished(logger, usage.EventId, usage.RequestId, usage.UserId);
        }
    }

    /// <summary>Publishes in order; true when the outbox is empty, false at the first event the sidecar still refuses.</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var usage))
        {
            if (!await sender.TrySendAsync(usage, cancellationToken))
            {
                return false;
            }

            _pending.TryDequeue(out _);
            Interlocked.Decrement(ref _count);
            await _signal.WaitAsync(cancellationToken);
            metrics.UsageRepublished();
            LogRepublished(logger, usage.EventId, Pending);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage event {EventId} published on a later attempt; {Pending} still waiting")]
    private static partial void LogRepublished(ILogger logger, string eventId, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage outbox full ({Capacity} events): usage event {EventId} of request {RequestId} is not kept")]
    private static partial void LogFull(ILogger logger, string eventId, string requestId, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with usage event {EventId} of request {RequestId} (user {UserId}) unpublished")]
    private static partial void LogUnpublished(ILogger logger, string eventId, string requestId, string userId);
}

/// <summary>Configuration section <c>GatewayAi:UsageOutbox</c>.</summary>
public sealed class UsageOutboxOptions
{
    public const string SectionName = "GatewayAi:UsageOutbox";

    /// <summary>At 200 requests/s, a minute and a half of broker outage; each event is a few hundred bytes.</summary>
    public int Capacity { get; set; } = 20_000;

    public double FirstRetrySeconds { get; set; } = 1;

    public double MaxRetrySeconds { get; set; } = 10;

    /// <summary>How long a graceful stop keeps trying before it logs what is left.</summary>
    public double DrainOnStopSeconds { get; set; } = 5;
}
