using System.Text.Json;
using Dapr;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// Publishes to the <c>pubsub</c> component. The event is serialised with the contracts' context (snake_case) through
/// the byte API, so subscribers reading with ContractsJsonContext see the same field names as on every other hop.
/// Retries belong to the sidecar's resiliency policy; a refusal after them is reported, not thrown.
/// </summary>
public sealed partial class DaprUsageEventSender(DaprClient dapr, ILogger<DaprUsageEventSender> logger) : IUsageEventSender
{
    public async Task<bool> TrySendAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(usage, ContractsJsonContext.Default.UsageRecorded);
            await dapr.PublishByteEventAsync(Components.PubSub, Topics.UsageRecorded, bytes, "application/json", cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException ex)
        {
            LogPublishFailed(logger, ex, usage.EventId, usage.RequestId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing usage event {EventId} of request {RequestId} failed; it waits in the usage outbox")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string eventId, string requestId);
}
