using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalDapr.Resources;

namespace LocalDapr.Subscriptions;

/// <summary>
/// Reads subscriptions as daprd does: the JSON list from <c>GET /dapr/subscribe</c> (keys matched
/// case-insensitively, as Go's decoder does, because the SDK writes <c>pubsubName</c> and daprd's tag is
/// <c>pubsubname</c>) and declarative <c>Subscription</c> resources (v1alpha1 <c>route</c>, v2alpha1 <c>routes</c>).
/// </summary>
public static class SubscriptionParser
{
    /// <param name="onInvalid">Told about each unusable entry (bad route, unsupported match), which is skipped; without it the first one throws.</param>
    public static IReadOnlyList<TopicSubscription> ParseProgrammatic(string json, Action<SubscriptionException>? onInvalid = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException ex)
        {
            throw new SubscriptionException($"GET /dapr/subscribe returned invalid JSON: {ex.Message}");
        }

        if (root is null)
        {
            return [];
        }

        if (root is not JsonArray items)
        {
            throw new SubscriptionException("GET /dapr/subscribe must return a JSON array of subscriptions");
        }

        var result = new List<TopicSubscription>();
        foreach (var item in items.OfType<JsonObject>())
        {
            try
            {
                result.Add(Build(item, item, SubscriptionTypes.Programmatic, "GET /dapr/subscribe"));
            }
            catch (SubscriptionException ex) when (onInvalid is not null)
            {
                onInvalid(ex);
            }
        }

        return result;
    }

    public static TopicSubscription ParseDeclarative(DaprResource resource)
    {
        var spec = Reparse(resource.Spec);
        return Build(spec, spec, SubscriptionTypes.Declarative, resource.ToString());
    }

    private static TopicSubscription Build(JsonObject item, JsonObject spec, string type, string origin)
    {
        var pubsub = Text(spec, "pubsubName") ?? throw new SubscriptionException($"{origin}: subscription without pubsubname");
        var topic = Text(spec, "topic") ?? throw new SubscriptionException($"{origin}: subscription to pubsub '{pubsub}' without topic");
        var where = $"{origin}: subscription {pubsub}/{topic}";

        var rules = new List<RouteRule>();
        string? defaultPath = RoutePath.Normalize(Text(item, "route"));
        if (item["routes"] is JsonObject routes)
        {
            defaultPath = RoutePath.Normalize(Text(routes, "default")) ?? defaultPath;
            foreach (var rule in (routes["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var path = RoutePath.Normalize(Text(rule, "path")) ?? throw new SubscriptionException($"{where}: route rule without path");
                var match = Text(rule, "match");
                try
                {
                    rules.Add(new RouteRule(match is null ? null : MatchExpression.Parse(match), path));
                }
                catch (SubscriptionException ex)
                {
                    throw new SubscriptionException($"{where}: {ex.Message}");
                }
            }
        }

        if (defaultPath is null && rules.Count == 0)
        {
            throw new SubscriptionException($"{where}: no route (set route, routes.default or routes.rules)");
        }

        var metadata = (item["metadata"] as JsonObject ?? [])
            .Where(kv => kv.Value is JsonValue)
            .ToDictionary(kv => kv.Key, kv => ScalarText(kv.Value!), StringComparer.OrdinalIgnoreCase);

        BulkSubscribeOptions? bulk = null;
        if (item["bulkSubscribe"] is JsonObject bulkNode && IsTrue(bulkNode["enabled"]))
        {
            bulk = new BulkSubscribeOptions(
                Number(bulkNode["maxMessagesCount"]) is { } count and > 0 ? count : 100,
                Number(bulkNode["maxAwaitDurationMs"]) is { } ms and > 0 ? ms : 1000);
        }

        return new TopicSubscription(pubsub, topic, rules, defaultPath, Text(item, "deadLetterTopic"), metadata, bulk, type);
    }

    /// <summary>Resource specs keep YAML's key casing; reparse so lookups ignore case like the JSON path.</summary>
    private static JsonObject Reparse(JsonObject spec) =>
        JsonNode.Parse(spec.ToJsonString(), new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonObject ?? [];

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && ScalarText(v) is { Length: > 0 } s ? s : null;

    private static string ScalarText(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && bool.TryParse(ScalarText(v), out var b) && b;

    private static int? Number(JsonNode? node) =>
        node is JsonValue v && int.TryParse(ScalarText(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
