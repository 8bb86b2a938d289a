using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults.Events;

/// <summary>One entry of a bulk delivery: its usage event, or why it can never be charged.</summary>
public sealed record BulkUsageEntry(string EntryId, UsageRecorded? Usage, string? Error);

/// <summary>
/// Reads a bulk delivery of <c>usage-recorded</c> (<c>application/json</c>, so <c>UseCloudEvents</c> leaves it alone),
/// for every subscriber of usage (users charges it, monitoring counts it): each entry's event is a CloudEvent whose
/// <c>data</c> (or <c>data_base64</c>) holds the usage, or the raw payload itself. The envelope is camelCase
/// (DAPR-CONTRACT.md §3.4), unlike the apps' snake_case HTTP JSON, so it is read here rather than bound.
/// </summary>
public static class BulkUsageReader
{
    /// <summary>The entries, or null with the reason the body is not a bulk envelope at all.</summary>
    public static async Task<(List<BulkUsageEntry>? Entries, string? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, $"the body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("entries", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return (null, "a bulk delivery is a JSON object with an 'entries' array");
            }

            var entries = new List<BulkUsageEntry>(items.GetArrayLength());
            foreach (var item in items.EnumerateArray())
            {
                // An entry without an id cannot be answered; the sidecar treats it as unanswered (RETRY) on its side.
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("entryId", out var id) && id.GetString() is { Length: > 0 } entryId)
                {
                    entries.Add(Read(entryId, item));
                }
            }

            return (entries, null);
        }
    }

    private static BulkUsageEntry Read(string entryId, JsonElement item)
    {
        if (!item.TryGetProperty("event", out var evt))
        {
            return new BulkUsageEntry(entryId, null, "the entry has no event");
        }

        try
        {
            var usage = IntegrationEventReader.ReadUsageRecorded(Payload(evt));
            return usage is { EventId.Length: > 0, Model.Length: > 0 } && Identifiers.IsValidUserId(usage.UserId)
                ? new BulkUsageEntry(entryId, usage, null)
                : new BulkUsageEntry(entryId, null, "event_id, a valid user_id and model are required");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return new BulkUsageEntry(entryId, null, $"invalid event: {ex.Message}");
        }
    }

    /// <summary>
    /// The usage JSON inside a CloudEvent (<c>data</c> as JSON or as a string, or <c>data_base64</c>), or the raw
    /// payload. An envelope is recognised by those fields rather than by <c>specversion</c>: a usage event has neither,
    /// so nothing is mistaken, and a sender that left out the CloudEvent attributes is still read.
    /// </summary>
    private static byte[] Payload(JsonElement evt)
    {
        if (evt.ValueKind == JsonValueKind.Object)
        {
            if (evt.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
            {
                return base64.GetBytesFromBase64();
            }

            if (evt.TryGetProperty("data", out var data))
            {
                return Encoding.UTF8.GetBytes(data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText());
            }
        }

        return Encoding.UTF8.GetBytes(evt.ValueKind == JsonValueKind.String ? evt.GetString()! : evt.GetRawText());
    }
}
