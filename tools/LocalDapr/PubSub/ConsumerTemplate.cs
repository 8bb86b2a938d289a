namespace LocalDapr.PubSub;

/// <summary>
/// The <c>consumerID</c> / <c>consumerGroup</c> metadata of a pub/sub component as daprd expands it: <c>{appID}</c>,
/// <c>{podName}</c> and <c>{uuid}</c>. A template with <c>{uuid}</c> or <c>{podName}</c> names a consumer per app
/// instance (daprd: per sidecar, i.e. per pod), so every instance of a subscribing app gets every message; here
/// one sidecar serves all replicas of an app-id, so the runtime subscribes once per instance to get the same.
/// </summary>
public static class ConsumerTemplate
{
    public const string Uuid = "{uuid}";
    public const string PodName = "{podName}";
    public const string AppIdPlaceholder = "{appID}";

    public static string? From(Components.ComponentMetadata metadata) => metadata.Get("consumerID") ?? metadata.Get("consumerGroup");

    public static bool IsPerInstance(string? template) =>
        template is not null && (template.Contains(Uuid, StringComparison.Ordinal) || template.Contains(PodName, StringComparison.Ordinal));

    /// <summary>A <c>{uuid}</c> consumer lives as long as its instance: nobody will ever read under that name again.</summary>
    public static bool IsEphemeral(string? template) => template is not null && template.Contains(Uuid, StringComparison.Ordinal);

    /// <param name="podName">Stable per instance across restarts (here <c>{appId}-{appPort}</c>).</param>
    /// <param name="uuid">New for each run of the instance.</param>
    public static string Expand(string template, string appId, string podName, string uuid) => template
        .Replace(AppIdPlaceholder, appId, StringComparison.Ordinal)
        .Replace(PodName, podName, StringComparison.Ordinal)
        .Replace(Uuid, uuid, StringComparison.Ordinal);
}
