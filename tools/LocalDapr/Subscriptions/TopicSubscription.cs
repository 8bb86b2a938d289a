namespace LocalDapr.Subscriptions;

/// <summary>
/// One app's subscription to one topic, merged from <c>GET /dapr/subscribe</c> or a declarative
/// <c>Subscription</c> resource. Paths always start with a slash.
/// </summary>
public sealed record TopicSubscription(
    string PubSubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultPath,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    BulkSubscribeOptions? Bulk,
    string Type)
{
    /// <summary><c>metadata.rawPayload</c>: the stored bytes are not a CloudEvent and get wrapped on delivery.</summary>
    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var on) && on;

    /// <summary>First rule whose match holds, else the default path; null means "no route: skip the event" (daprd).</summary>
    public string? SelectPath(System.Text.Json.Nodes.JsonObject cloudEvent)
    {
        foreach (var rule in Rules)
        {
            if (rule.Match is null || rule.Match.Evaluate(cloudEvent))
            {
                return rule.Path;
            }
        }

        return DefaultPath;
    }
}

/// <param name="Match">Null for a rule without a condition (always matches).</param>
public sealed record RouteRule(MatchExpression? Match, string Path);

/// <summary><c>bulkSubscribe</c>; defaults as the SDK's <c>[BulkSubscribe]</c>: 100 messages, 1000 ms.</summary>
public sealed record BulkSubscribeOptions(int MaxMessagesCount = 100, int MaxAwaitDurationMs = 1000);

public static class SubscriptionTypes
{
    public const string Programmatic = "PROGRAMMATIC";
    public const string Declarative = "DECLARATIVE";
}

/// <summary>A subscription that cannot be used (bad route, unsupported match expression).</summary>
public sealed class SubscriptionException(string message) : Exception(message);
