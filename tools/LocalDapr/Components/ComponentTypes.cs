namespace LocalDapr.Components;

/// <summary>The component types this part creates, and what daprd reports as their capabilities in metadata.</summary>
public static class ComponentTypes
{
    public const string StateInMemory = "state.in-memory";
    public const string StateSqlite = "state.sqlite";
    public const string StateRedis = "state.redis";
    public const string SecretsLocalFile = "secretstores.local.file";
    public const string SecretsLocalEnv = "secretstores.local.env";

    public static bool IsState(string type) => type.StartsWith("state.", StringComparison.Ordinal);

    public static bool IsSecretStore(string type) => type.StartsWith("secretstores.", StringComparison.Ordinal);

    /// <summary>Capability names as daprd's state features (plus ACTOR when it is the actor state store).</summary>
    public static IReadOnlyList<string> StateCapabilities(bool isActorStateStore)
    {
        // All three stores here support ETags, transactions and TTL; daprd lists the same for them.
        return isActorStateStore ? ["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"] : ["ETAG", "TRANSACTIONAL", "TTL"];
    }

    public static IReadOnlyList<string> SecretCapabilities(bool multiValued) =>
        multiValued ? ["MULTIPLE_KEY_VALUES_PER_SECRET"] : [];
}

/// <summary>
/// A component type served by another part of the runtime (e.g. <c>pubsub.</c> by pub/sub). Register one as a
/// singleton to stop the registry from rejecting that type at start-up. A value ending in "." claims a category.
/// </summary>
public sealed record ComponentTypeClaim(string TypeOrCategory)
{
    public bool Covers(string type) =>
        TypeOrCategory.EndsWith('.') ? type.StartsWith(TypeOrCategory, StringComparison.Ordinal) : type == TypeOrCategory;
}
