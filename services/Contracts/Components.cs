namespace DeepSeek.Dapr.Contracts;

/// <summary>Dapr component names. Every profile under components/ defines these same names, so code never changes.</summary>
public static class Components
{
    public const string PubSub = "pubsub";
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
    public const string ModelUpdated = "model-updated";
    public const string TrainingJobChanged = "training-job-changed";
    public const string Notification = "notification";
}
