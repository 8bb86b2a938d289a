using LocalDapr.Components;
using StackExchange.Redis;

namespace LocalDapr.PubSub.Redis;

/// <summary>The <c>pubsub.redis</c> metadata fields this runtime honours, with components-contrib's defaults.</summary>
public sealed record RedisStreamsOptions(
    ConfigurationOptions Connection,
    string? ConsumerId,
    TimeSpan RedeliverInterval,
    TimeSpan ProcessingTimeout,
    int QueueDepth,
    int Concurrency,
    long? MaxLenApprox)
{
    public static RedisStreamsOptions From(ComponentMetadata metadata)
    {
        var connection = new ConfigurationOptions
        {
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            Password = metadata.Get("redisPassword"),
            User = metadata.Get("redisUsername"),
            DefaultDatabase = metadata.GetInt("redisDB", 0),
            Ssl = metadata.GetBool("enableTLS"),
        };
        var host = metadata.Required("redisHost");
        connection.EndPoints.Add(metadata.Get("redisPort") is { } port && !host.Contains(':', StringComparison.Ordinal) ? $"{host}:{port}" : host);

        var maxLen = metadata.GetInt("maxLenApprox", 0);
        return new RedisStreamsOptions(
            connection,
            ConsumerTemplate.From(metadata),
            metadata.GetDuration("redeliverInterval", TimeSpan.FromSeconds(60)),
            metadata.GetDuration("processingTimeout", TimeSpan.FromSeconds(15)),
            Math.Max(1, metadata.GetInt("queueDepth", 100)),
            Math.Max(1, metadata.GetInt("concurrency", 10)),
            maxLen > 0 ? maxLen : null);
    }
}
