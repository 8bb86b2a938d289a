using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;

namespace DeepSeek.Dapr.GatewayAi.Decisions;

/// <summary>
/// Reads the invalidation events whether their publisher used the contracts' context (snake_case) or DaprClient's
/// web defaults (camelCase): an eviction silently lost to a naming mismatch would leave a revoked key working.
/// </summary>
public static class InvalidationEventReader
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static ApiKeyRevoked? ReadApiKeyRevoked(ReadOnlySpan<byte> json) =>
        Read(json, ContractsJsonContext.Default.ApiKeyRevoked, e => e.KeyId is { Length: > 0 });

    public static AccountChanged? ReadAccountChanged(ReadOnlySpan<byte> json) =>
        Read(json, ContractsJsonContext.Default.AccountChanged, e => e.UserId is { Length: > 0 });

    public static ModelUpdated? ReadModelUpdated(ReadOnlySpan<byte> json) =>
        Read(json, ContractsJsonContext.Default.ModelUpdated, e => e.ModelId is { Length: > 0 });

    private static T? Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> contract, Func<T, bool> isComplete)
        where T : class
    {
        try
        {
            if (JsonSerializer.Deserialize(json, contract) is { } evt && isComplete(evt))
            {
                return evt;
            }

            return JsonSerializer.Deserialize<T>(json, WebOptions) is { } webEvt && isComplete(webEvt) ? webEvt : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
