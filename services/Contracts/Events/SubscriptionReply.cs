namespace DeepSeek.Dapr.Contracts.Events;

/// <summary>
/// Body a subscriber returns to the sidecar: <c>SUCCESS</c>, <c>RETRY</c> (redeliver) or <c>DROP</c> (poison message:
/// redelivering it can never succeed).
/// </summary>
public sealed record SubscriptionReply(string Status)
{
    public static readonly SubscriptionReply Success = new("SUCCESS");
    public static readonly SubscriptionReply Drop = new("DROP");

    /// <summary>Processing failed for a reason that may pass (a dependency is down): the sidecar redelivers.</summary>
    public static readonly SubscriptionReply Retry = new("RETRY");
}
