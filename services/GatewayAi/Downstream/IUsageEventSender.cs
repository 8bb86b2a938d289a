using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>One publish attempt of a usage event through the sidecar: true when the broker took it.</summary>
public interface IUsageEventSender
{
    Task<bool> TrySendAsync(UsageRecorded usage, CancellationToken cancellationToken);
}
