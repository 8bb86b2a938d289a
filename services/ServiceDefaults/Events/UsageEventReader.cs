using System.Text.Json;
using DeepSeek.Dapr.Contracts.Events;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults.Events;

/// <summary>Reads a <see cref="UsageRecorded"/> delivered by the sidecar (CloudEvents already unwrapped by <c>UseCloudEvents</c>).</summary>
public static class UsageEventReader
{
    /// <summary>The event, or null with the reason it can never be processed (the subscriber then drops it).</summary>
    public static async Task<(UsageRecorded? Event, string? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        try
        {
            var usage = IntegrationEventReader.ReadUsageRecorded(buffer.ToArray());
            return usage is { EventId.Length: > 0, UserId.Length: > 0, Model.Length: > 0 }
                ? (usage, null)
                : (null, "event_id, user_id and model are required");
        }
        catch (JsonException ex)
        {
            return (null, $"invalid JSON: {ex.Message}");
        }
    }
}
