using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DeepSeek.Dapr.Contracts.Events;

/// <summary>
/// Reads an event payload written either with <see cref="ContractsJsonContext"/> (snake_case, the contract) or with
/// DaprClient's default web options (camelCase), so a publisher that forgot the context does not silently lose data.
/// </summary>
public static class IntegrationEventReader
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static UsageRecorded? ReadUsageRecorded(ReadOnlySpan<byte> json)
    {
        var evt = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.UsageRecorded);
        if (evt is { EventId.Length: > 0 })
        {
            return evt;
        }

        return JsonSerializer.Deserialize<UsageRecorded>(json, WebOptions);
    }
}
