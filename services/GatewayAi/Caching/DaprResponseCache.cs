using System.Globalization;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.GatewayAi.Caching;

/// <summary>
/// The <c>cache</c> state store through the sidecar. Values are written with the contracts' source-generated JSON
/// (byte API) rather than DaprClient's reflection serializer, and expire by the store's TTL (<c>ttlInSeconds</c>).
/// </summary>
public sealed partial class DaprResponseCache(DaprClient dapr, IOptions<CacheOptions> options, ILogger<DaprResponseCache> logger) : IResponseCache
{
    public async Task<ChatCompletion?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await dapr.GetByteStateAsync(Components.Cache, key, cancellationToken: cancellationToken);
            return bytes.IsEmpty ? null : JsonSerializer.Deserialize(bytes.Span, ContractsJsonContext.Default.ChatCompletion);
        }
        catch (Exception ex) when (ex is DaprException or JsonException)
        {
            LogLookupFailed(logger, ex, key);
            return null;
        }
    }

    public async Task SetAsync(string key, ChatCompletion completion, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["ttlInSeconds"] = options.Value.Ttl.ChatCompletion.ToString(CultureInfo.InvariantCulture),
        };
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(completion, ContractsJsonContext.Default.ChatCompletion);
            await dapr.SaveByteStateAsync(Components.Cache, key, bytes, metadata: metadata, cancellationToken: cancellationToken);
        }
        catch (DaprException ex)
        {
            LogStoreFailed(logger, ex, key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response cache lookup of {Key} failed; treating it as a miss")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response cache write of {Key} failed")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string key);
}
