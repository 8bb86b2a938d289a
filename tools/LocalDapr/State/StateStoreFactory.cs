using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.Extensions.Logging;

namespace LocalDapr.State;

/// <summary>Creates the state store of one component by <c>spec.type</c>; null when the type is not a store we have.</summary>
public sealed class StateStoreFactory(TimeProvider time, ILoggerFactory loggers)
{
    public static bool Supports(string type) =>
        type is ComponentTypes.StateInMemory or ComponentTypes.StateSqlite or ComponentTypes.StateRedis;

    public async Task<IStateStore> CreateAsync(string type, ComponentMetadata metadata, CancellationToken cancellationToken) => type switch
    {
        ComponentTypes.StateInMemory => new InMemoryStateStore(metadata.Component.Name, metadata.GetBool("actorStateStore"), time, TimeSpan.FromSeconds(5)),
        ComponentTypes.StateSqlite => await SqliteStateStore.OpenAsync(SqliteStateStoreOptions.From(metadata), time, loggers.CreateLogger<SqliteStateStore>(), cancellationToken),
        ComponentTypes.StateRedis => await RedisStateStore.ConnectAsync(RedisStateStoreOptions.From(metadata), cancellationToken),
        _ => throw metadata.Error($"state store type '{type}' is not supported by the local runtime"),
    };
}
