using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// One usage event per answered request, never dropped: published through the sidecar, or kept in the
/// <see cref="UsageOutbox"/> when the sidecar refuses it after its retries. While older events wait there, new ones
/// queue behind them, so one outage does not reorder a user's usage more than it must.
/// </summary>
public sealed class DaprUsagePublisher(IUsageEventSender sender, UsageOutbox outbox) : IUsagePublisher
{
    public async Task PublishAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        if (outbox.Pending > 0 || !await sender.TrySendAsync(usage, cancellationToken))
        {
            outbox.Keep(usage);
        }
    }
}
