namespace LocalDapr.Tests.State;

/// <summary>The state store types the conformance suites run against.</summary>
public enum StoreKind
{
    InMemory,
    Sqlite,
    Redis,
}

/// <summary>Component YAML for each store kind; Redis comes from REDIS_CONNECTION (CI starts redis-server there).</summary>
public static class StoreComponents
{
    public static string RedisHost => Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } host ? host : "127.0.0.1:6379";

    public static TheoryData<StoreKind> AllKinds => new() { StoreKind.InMemory, StoreKind.Sqlite, StoreKind.Redis };

    /// <param name="extraMetadata">More <c>- name/value</c> entries, already indented by 4 spaces.</param>
    public static string Yaml(StoreKind kind, string name = "statestore", string? extraMetadata = null, string? scopes = null)
    {
        var metadata = kind switch
        {
            StoreKind.InMemory => string.Empty,
            StoreKind.Sqlite => $"    - name: connectionString\n      value: \"{{{{dir}}}}/data/{name}.db\"\n",
            _ => $"    - name: redisHost\n      value: \"{RedisHost}\"\n",
        };
        var type = kind switch
        {
            StoreKind.InMemory => "state.in-memory",
            StoreKind.Sqlite => "state.sqlite",
            _ => "state.redis",
        };
        metadata += extraMetadata ?? string.Empty;
        return $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {name}
            spec:
              type: {type}
              version: v1
              metadata:
            {(metadata.Length == 0 ? "    []\n" : metadata)}{(scopes is null ? string.Empty : $"scopes: [{scopes}]\n")}
            """;
    }

    /// <summary>A fresh app-id per test, so runs that share one Redis never see each other's keys.</summary>
    public static string UniqueAppId(string prefix = "app") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
