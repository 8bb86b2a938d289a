using System.Globalization;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Resources;

namespace LocalDapr.Resiliency;

/// <summary>
/// All <c>Resiliency</c> resources in scope for one sidecar, parsed and validated (errors name file and field),
/// with daprd's target resolution: a named target uses exactly the policies it names; a target that is not
/// named gets the default policies (type/direction-specific name first, then the generic one).
/// </summary>
public sealed class ResiliencyConfig
{
    private readonly Dictionary<string, TargetPolicies> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActorTargetPolicies> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TargetPolicies? Outbound, TargetPolicies? Inbound)> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetryPolicy> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BreakerPolicy> _breakers = new(StringComparer.Ordinal);

    public static ResiliencyConfig Load(IEnumerable<DaprResource> resources)
    {
        var config = new ResiliencyConfig();
        foreach (var resource in resources)
        {
            config.Add(resource);
        }

        return config;
    }

    public TargetPolicies ForApp(string target) =>
        _apps.TryGetValue(target, out var named) ? named : Defaults("App");

    /// <summary>Actor calls of one type (method calls, reminders, timers): <c>targets.actors</c>, else the actor defaults.</summary>
    public ActorTargetPolicies ForActor(string actorType) =>
        _actors.TryGetValue(actorType, out var named)
            ? named
            : new ActorTargetPolicies(Defaults("Actor"), ActorBreakerScope.Type, ActorTargetPolicies.DefaultCacheSize);

    /// <param name="componentType">The component's <c>spec.type</c> (e.g. <c>state.redis</c>), for the type-specific defaults.</param>
    public TargetPolicies ForComponent(string name, string? componentType, ComponentDirection direction)
    {
        if (_components.TryGetValue(name, out var named) && (direction == ComponentDirection.Outbound ? named.Outbound : named.Inbound) is { } policies)
        {
            return policies;
        }

        var dir = direction == ComponentDirection.Outbound ? "Outbound" : "Inbound";
        var category = componentType?.Split('.')[0] switch
        {
            "state" => "Statestore",
            "pubsub" => "Pubsub",
            "bindings" => "Binding",
            "secretstores" => "Secretstore",
            "configuration" => "Configuration",
            "lock" => "Lock",
            _ => null,
        };
        return Defaults(category is null ? null : $"{category}Component{dir}", $"Component{dir}", "Component");
    }

    private TargetPolicies Defaults(params string?[] scopes)
    {
        var names = scopes.OfType<string>().Append(string.Empty).ToArray();
        return new TargetPolicies(
            First(names, "Timeout", _timeouts, out var t) ? t : null,
            First(names, "Retry", _retries, out var r) ? r : null,
            First(names, "CircuitBreaker", _breakers, out var b) ? b : null);
    }

    private static bool First<T>(string[] scopes, string kind, Dictionary<string, T> policies, out T value)
    {
        foreach (var scope in scopes)
        {
            if (policies.TryGetValue($"Default{scope}{kind}Policy", out value!))
            {
                return true;
            }
        }

        value = default!;
        return false;
    }

    private void Add(DaprResource resource)
    {
        var policies = resource.Spec["policies"] as JsonObject;
        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var retries = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        var breakers = new Dictionary<string, BreakerPolicy>(StringComparer.Ordinal);
        foreach (var (name, node) in Entries(policies?["timeouts"]))
        {
            timeouts[name] = GoDurations.Parse((node as JsonValue)?.ToString(), resource, $"spec.policies.timeouts.{name}");
        }

        foreach (var (name, node) in Entries(policies?["retries"]))
        {
            retries[name] = ParseRetry(resource, name, node);
        }

        foreach (var (name, node) in Entries(policies?["circuitBreakers"]))
        {
            breakers[name] = ParseBreaker(resource, name, node);
        }

        var targets = resource.Spec["targets"] as JsonObject;
        foreach (var (app, node) in Entries(targets?["apps"]))
        {
            _apps[app] = ParseTarget(resource, $"spec.targets.apps.{app}", node, timeouts, retries, breakers);
        }

        foreach (var (actorType, node) in Entries(targets?["actors"]))
        {
            var field = $"spec.targets.actors.{actorType}";
            _actors[actorType] = new ActorTargetPolicies(
                ParseTarget(resource, field, node, timeouts, retries, breakers),
                ParseScope(resource, field + ".circuitBreakerScope", node.GetString("circuitBreakerScope")),
                ParseCacheSize(resource, field + ".circuitBreakerCacheSize", node.GetString("circuitBreakerCacheSize")));
        }

        foreach (var (component, node) in Entries(targets?["components"]))
        {
            var field = $"spec.targets.components.{component}";
            _components[component] = (
                node?["outbound"] is { } o ? ParseTarget(resource, field + ".outbound", o, timeouts, retries, breakers) : null,
                node?["inbound"] is { } i ? ParseTarget(resource, field + ".inbound", i, timeouts, retries, breakers) : null);
        }

        foreach (var (k, v) in timeouts)
        {
            _timeouts.TryAdd(k, v);
        }

        foreach (var (k, v) in retries)
        {
            _retries.TryAdd(k, v);
        }

        foreach (var (k, v) in breakers)
        {
            _breakers.TryAdd(k, v);
        }
    }

    private static TargetPolicies ParseTarget(
        DaprResource resource,
        string field,
        JsonNode? node,
        Dictionary<string, TimeSpan> timeouts,
        Dictionary<string, RetryPolicy> retries,
        Dictionary<string, BreakerPolicy> breakers) =>
        new(
            Lookup(resource, field, "timeout", node.GetString("timeout"), timeouts),
            Lookup(resource, field, "retry", node.GetString("retry"), retries),
            Lookup(resource, field, "circuitBreaker", node.GetString("circuitBreaker"), breakers));

    private static T? Lookup<T>(DaprResource resource, string field, string kind, string? name, Dictionary<string, T> policies)
    {
        if (name is null)
        {
            return default;
        }

        return policies.TryGetValue(name, out var policy)
            ? policy
            : throw Error(resource, $"{field}.{kind}", $"no {kind} policy named '{name}' in spec.policies");
    }

    private static ActorBreakerScope ParseScope(DaprResource resource, string field, string? text) => text switch
    {
        null or "type" => ActorBreakerScope.Type,
        "id" => ActorBreakerScope.Id,
        "both" => ActorBreakerScope.Both,
        _ => throw Error(resource, field, $"'{text}' must be type, id or both"),
    };

    private static int ParseCacheSize(DaprResource resource, string field, string? text) => text is null
        ? ActorTargetPolicies.DefaultCacheSize
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw Error(resource, field, $"'{text}' must be a positive integer");

    private static RetryPolicy ParseRetry(DaprResource resource, string name, JsonNode? node)
    {
        var field = $"spec.policies.retries.{name}";
        var kind = node.GetString("policy") ?? "constant";
        if (kind is not ("constant" or "exponential"))
        {
            throw Error(resource, field + ".policy", $"'{kind}' must be constant or exponential");
        }

        var duration = node.GetString("duration") is { } d ? GoDurations.Parse(d, resource, field + ".duration") : TimeSpan.FromSeconds(5);
        var maxInterval = node.GetString("maxInterval") is { } m ? GoDurations.Parse(m, resource, field + ".maxInterval") : TimeSpan.FromSeconds(60);
        var maxRetries = node.GetString("maxRetries") is { } n
            ? int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= -1
                ? parsed
                : throw Error(resource, field + ".maxRetries", $"'{n}' must be -1 (unlimited), 0 or a positive integer")
            : -1;
        var matching = node?["matching"];
        return new RetryPolicy(
            name,
            kind == "exponential",
            duration,
            maxInterval,
            maxRetries,
            Codes(resource, field + ".matching.httpStatusCodes", matching.GetString("httpStatusCodes"), 100, 599),
            Codes(resource, field + ".matching.gRPCStatusCodes", matching.GetString("gRPCStatusCodes"), 0, 16));
    }

    private static BreakerPolicy ParseBreaker(DaprResource resource, string name, JsonNode? node)
    {
        var field = $"spec.policies.circuitBreakers.{name}";
        var maxRequests = node.GetString("maxRequests") is { } mr
            ? uint.TryParse(mr, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw Error(resource, field + ".maxRequests", $"'{mr}' must be a non-negative integer")
            : 1u;
        var interval = node.GetString("interval") is { } i ? GoDurations.Parse(i, resource, field + ".interval") : TimeSpan.Zero;
        var timeout = node.GetString("timeout") is { } t ? GoDurations.Parse(t, resource, field + ".timeout") : TimeSpan.Zero;
        var tripText = node.GetString("trip") ?? "consecutiveFailures > 5";
        Func<BreakerCounts, bool> trip;
        try
        {
            trip = TripExpression.Compile(tripText);
        }
        catch (FormatException ex)
        {
            throw Error(resource, field + ".trip", ex.Message);
        }

        // gobreaker: 0 means one probe in half-open and 60 s open.
        return new BreakerPolicy(name, Math.Max(maxRequests, 1u), interval, timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(60), trip);
    }

    private static StatusCodeSet Codes(DaprResource resource, string field, string? text, int min, int max)
    {
        try
        {
            return StatusCodeSet.Parse(text, min, max);
        }
        catch (FormatException ex)
        {
            throw Error(resource, field, ex.Message);
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonNode? node) =>
        node as JsonObject ?? [];

    private static ResourceException Error(DaprResource resource, string field, string message) =>
        new($"{resource.SourcePath}: Resiliency {resource.Name}: {field}: {message}");
}
