namespace DeepSeek.Dapr.Contracts;

/// <summary>Dapr component names. Every profile under components/ defines these same names, so code never changes.</summary>
public static class Components
{
    public const string PubSub = "pubsub";

    /// <summary>
    /// Pub/sub where every instance of a subscribing app gets every message (consumer group per instance:
    /// <c>consumerID: "{uuid}"</c> / <c>{podName}</c>), for invalidations that must reach all gateway replicas.
    /// </summary>
    public const string Broadcast = "broadcast";
    public const string SecretStore = "secretstore";
    public const string Cache = "cache";
    public const string AuthDb = "auth-db";
    public const string UsersDb = "users-db";
    public const string ChatDb = "chat-db";
    public const string ModelsDb = "models-db";
    public const string TrainingDb = "training-db";
    public const string MonitoringDb = "monitoring-db";
}

/// <summary>Pub/sub topics.</summary>
public static class Topics
{
    public const string UsageRecorded = "usage-recorded";
    public const string ApiKeyRevoked = "api-key-revoked";

    /// <summary>A user's plan, limits or standing changed; carries <see cref="Events.AccountChanged"/> on <see cref="Components.Broadcast"/>.</summary>
    public const string AccountChanged = "account-changed";
    public const string ModelUpdated = "model-updated";
    public const string TrainingJobChanged = "training-job-changed";
    public const string Notification = "notification";
}
