using LocalDapr.Components;
using StackExchange.Redis;

namespace LocalDapr.State;

/// <summary><c>state.redis</c> connection metadata (<c>redisHost</c> is "host:port").</summary>
public sealed record RedisStateStoreOptions(
    string Name,
    string Host,
    string? Username,
    string? Password,
    int Database,
    bool EnableTls,
    bool InsecureSkipTlsVerify,
    TimeSpan DialTimeout,
    int? DefaultTtlSeconds,
    bool IsActorStateStore)
{
    public static RedisStateStoreOptions From(ComponentMetadata metadata)
    {
        var host = metadata.Required("redisHost");
        if (metadata.Get("redisType") is { } type && !type.Equals("node", StringComparison.OrdinalIgnoreCase))
        {
            throw metadata.Error($"metadata field 'redisType' value '{type}' is not supported by the local runtime (only 'node')");
        }

        if (metadata.GetBool("failover"))
        {
            throw metadata.Error("metadata field 'failover' (Redis Sentinel) is not supported by the local runtime");
        }

        var ttl = metadata.GetInt("ttlInSeconds", 0);
        return new RedisStateStoreOptions(
            metadata.Component.Name,
            host,
            metadata.Get("redisUsername"),
            metadata.Get("redisPassword"),
            metadata.GetInt("redisDB", 0),
            metadata.GetBool("enableTLS"),
            metadata.GetBool("insecureSkipTLSVerify"),
            metadata.GetDuration("dialTimeout", TimeSpan.FromSeconds(5)),
            ttl > 0 ? ttl : null,
            metadata.GetBool("actorStateStore"));
    }

    public ConfigurationOptions ToConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(Host);
        configuration.User = Username;
        configuration.Password = Password;
        configuration.DefaultDatabase = Database;
        configuration.Ssl = EnableTls;
        configuration.ConnectTimeout = (int)DialTimeout.TotalMilliseconds;
        configuration.AbortOnConnectFail = true;
        configuration.ClientName = $"localdapr-{Name}";
        if (EnableTls && InsecureSkipTlsVerify)
        {
            configuration.CertificateValidation += (_, _, _, _) => true;
        }

        return configuration;
    }
}
