using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>Publishes one <see cref="UsageRecorded"/> per answered request.</summary>
public interface IUsagePublisher
{
    Task PublishAsync(UsageRecorded usage, CancellationToken cancellationToken);
}
