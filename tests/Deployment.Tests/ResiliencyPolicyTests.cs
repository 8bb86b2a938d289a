using System.Text.Json.Nodes;
using Deployment.Tests.Infrastructure;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;

namespace Deployment.Tests;

/// <summary>
/// The rules of dapr-config/resiliency.yaml (its header and ADR 0004): every hop has named policies in the caller's
/// scope, retries only where repeating is harmless, pub/sub delivery never gives up, timeouts nest the right way.
/// Schema validity is CrdValidationTests' job; these check what the schema cannot.
/// </summary>
public sealed class ResiliencyPolicyTests
{
    private static readonly ResiliencyFile File = ResiliencyFile.Load();

    /// <summary>Service invocations the code makes: caller → target app-id (or HTTPEndpoint name).</summary>
    public static readonly (string Caller, string Target)[] Invocations =
    [
        (AppIds.Router, AppIds.GatewayAi), (AppIds.Router, AppIds.GatewayPlatform),
        (AppIds.GatewayAi, AppIds.Auth), (AppIds.GatewayAi, AppIds.Users), (AppIds.GatewayAi, AppIds.Models),
        (AppIds.GatewayAi, AppIds.Chat), (AppIds.GatewayAi, AppIds.Inference),
        (AppIds.GatewayPlatform, AppIds.Auth), (AppIds.GatewayPlatform, AppIds.Users), (AppIds.GatewayPlatform, AppIds.Models),
        (AppIds.GatewayPlatform, AppIds.Training), (AppIds.GatewayPlatform, AppIds.Monitoring),
        (AppIds.Inference, "upstream-openai"),
    ];

    /// <summary>Hops that only read (or verify): the only app targets allowed a retry.</summary>
    private static readonly (string Caller, string Target)[] SafeToRepeat =
    [
        (AppIds.GatewayAi, AppIds.Auth), (AppIds.GatewayAi, AppIds.Models), (AppIds.GatewayPlatform, AppIds.Monitoring),
    ];

    /// <summary>Apps that call the accounting actor: gateway-ai reserves and releases, users settles.</summary>
    private static readonly string[] ActorCallers = [AppIds.GatewayAi, AppIds.Users];

    public static TheoryData<string> AppIdsOfTheCode() => new(Topology.AppIds);

    [Theory]
    [MemberData(nameof(AppIdsOfTheCode))]
    public void Every_app_loads_exactly_one_resiliency_resource(string appId)
    {
        File.For(appId).Should().ContainSingle($"{appId}'s sidecar must load one policy set, so no target is defined twice");
    }

    [Fact]
    public void Every_invocation_has_a_timeout_and_every_domain_hop_a_breaker()
    {
        foreach (var (caller, target) in Invocations)
        {
            var policies = ResiliencyFile.Target(File.For(caller).Single(), "apps", target);
            policies.Should().NotBeNull($"{caller} -> {target} needs a named target in {caller}'s resiliency resource");
            policies!["timeout"].Should().NotBeNull($"{caller} -> {target} needs a timeout");
            if (caller == AppIds.GatewayAi || target == AppIds.GatewayPlatform)
            {
                policies["circuitBreaker"].Should().NotBeNull($"{caller} -> {target} needs a circuit breaker");
            }
        }
    }

    [Fact]
    public void Every_component_an_app_may_use_has_a_target_in_that_apps_resource()
    {
        foreach (var component in DeploymentFiles.Profile("local"))
        {
            foreach (var app in component.Node["scopes"]!.AsArray().Select(s => s!.GetValue<string>()))
            {
                var target = File.For(app).Single().Node["spec"]!["targets"]!["components"]?[component.Name!];
                target.Should().NotBeNull($"{app} uses component {component.Name}, so its resiliency resource must name it");
                var type = component.Node["spec"]!["type"]!.GetValue<string>();
                if (type.StartsWith("state.", StringComparison.Ordinal) || target!["outbound"] is not null && type.StartsWith("pubsub.", StringComparison.Ordinal))
                {
                    target!["outbound"]?["circuitBreaker"].Should().NotBeNull($"{app}'s outbound calls to {component.Name} need a circuit breaker");
                }
            }
        }
    }

    [Fact]
    public void Accounting_actor_has_a_target_without_retries_for_every_caller()
    {
        foreach (var caller in ActorCallers)
        {
            var target = ResiliencyFile.Target(File.For(caller).Single(), "actors", UserAccountActorContract.ActorType);
            target.Should().NotBeNull($"{caller} calls {UserAccountActorContract.ActorType}");
            target!["timeout"].Should().NotBeNull();
            target["retry"].Should().BeNull("Reserve holds money and carries no idempotency key the sidecar could rely on");
            if (caller == AppIds.Users)
            {
                // users settles from pub/sub deliveries that retry until they succeed: a breaker there only turns the
                // backlog a restart leaves into minutes of refusals, as an inbound breaker would.
                target["circuitBreaker"].Should().BeNull("users' settlements are already paced by the delivery retry");
            }
            else
            {
                target["circuitBreaker"].Should().NotBeNull($"{caller} falls back when the actor is unavailable, and must learn it fast");
            }
        }
    }

    [Fact]
    public void Retries_only_where_repeating_a_call_is_harmless()
    {
        foreach (var document in File.Documents)
        {
            foreach (var (kind, name, direction, target) in ResiliencyFile.Targets(document))
            {
                if (target["retry"] is null)
                {
                    continue;
                }

                var where = $"{document.Name}: {kind}.{name}{(direction is null ? "" : "." + direction)}";
                switch (kind)
                {
                    case "apps":
                        var unsafeCallers = ResiliencyFile.Scopes(document).Where(caller => !SafeToRepeat.Contains((caller, name)));
                        unsafeCallers.Should().BeEmpty($"{where} retries, but the call is not a pure read for every caller in scope");
                        break;
                    case "actors":
                        throw new Xunit.Sdk.XunitException($"{where}: actor calls (reservations, charges) are never retried by the sidecar");
                    default:
                        // Components: state writes are read-modify-write in the apps; only secrets and pub/sub may repeat.
                        IsStateStore(name).Should().BeFalse($"{where}: a state store write is never repeated blindly");
                        break;
                }
            }
        }
    }

    [Fact]
    public void Usage_delivery_retries_until_the_subscriber_is_back_and_has_no_breaker()
    {
        foreach (var subscriber in new[] { AppIds.Users, AppIds.Monitoring })
        {
            var document = File.For(subscriber).Single();
            var inbound = ResiliencyFile.Target(document, "components", Components.PubSub, "inbound");
            inbound.Should().NotBeNull($"{subscriber} subscribes to {Topics.UsageRecorded}");
            inbound!["circuitBreaker"].Should().BeNull("an open breaker ends the retries, and the in-memory broker then forgets the message");
            var retry = ResiliencyFile.Policy(document, "retries", inbound["retry"]!.GetValue<string>());
            retry["maxRetries"]!.GetValue<long>().Should().Be(-1, "a usage event must wait for its subscriber however long it is down");
        }
    }

    [Fact]
    public void Only_delivery_retries_forever()
    {
        foreach (var document in File.Documents)
        {
            var unlimited = ResiliencyFile.Targets(document).Where(t => t.Target["retry"] is { } retry
                && (ResiliencyFile.Policy(document, "retries", retry.GetValue<string>())["maxRetries"]?.GetValue<long>() ?? -1) < 0);
            unlimited.Where(t => !(t.Kind == "components" && t.Direction == "inbound" && t.Name == Components.PubSub)).Should().BeEmpty(
                $"{document.Name}: a caller waiting for an answer must get one, so its retries are bounded");
        }
    }

    [Fact]
    public void Key_checks_are_short_generations_long_and_the_edge_outlasts_the_gateway()
    {
        var gateway = File.For(AppIds.GatewayAi).Single();
        var check = TimeoutOf(gateway, AppIds.Auth);
        var generation = TimeoutOf(gateway, AppIds.Inference);
        check.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5), "a key check is a lookup");
        generation.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(2), "a streamed generation may think for minutes");
        TimeoutOf(File.For(AppIds.Router).Single(), AppIds.GatewayAi).Should().BeGreaterThan(
            generation, "the gateway's own timeout fires first, so the client gets its degraded reply rather than the router's");
    }

    [Fact]
    public void Retry_after_of_degraded_replies_matches_the_open_time_of_the_gateways_breakers()
    {
        var settings = JsonNode.Parse(System.IO.File.ReadAllText(RepoPaths.Combine("services", "GatewayAi", "appsettings.json")))!;
        var retryAfter = TimeSpan.FromSeconds(settings["Gateway"]!["RetryAfterSeconds"]!.GetValue<int>());
        var gateway = File.For(AppIds.GatewayAi).Single();
        foreach (var target in new[] { AppIds.Auth, AppIds.Users, AppIds.Models, AppIds.Chat, AppIds.Inference })
        {
            var breaker = ResiliencyFile.Policy(gateway, "circuitBreakers", ResiliencyFile.Target(gateway, "apps", target)!["circuitBreaker"]!.GetValue<string>());
            ResiliencyFile.Duration(breaker["timeout"]!.GetValue<string>()).Should().Be(retryAfter, $"a client told to come back should find {target}'s breaker half-open");
        }
    }

    [Fact]
    public void Every_named_policy_exists_and_every_policy_is_used()
    {
        foreach (var document in File.Documents)
        {
            var used = new HashSet<(string, string)>();
            foreach (var (kind, name, direction, target) in ResiliencyFile.Targets(document))
            {
                foreach (var (field, policyKind) in new[] { ("timeout", "timeouts"), ("retry", "retries"), ("circuitBreaker", "circuitBreakers") })
                {
                    if (target[field]?.GetValue<string>() is { } policy)
                    {
                        document.Node["spec"]!["policies"]![policyKind]?[policy].Should().NotBeNull($"{document.Name}: {kind}.{name} {direction} names {policyKind}.{policy}");
                        used.Add((policyKind, policy));
                    }
                }
            }

            foreach (var policyKind in new[] { "timeouts", "retries", "circuitBreakers" })
            {
                foreach (var (policy, _) in document.Node["spec"]!["policies"]![policyKind]?.AsObject() ?? [])
                {
                    used.Should().Contain((policyKind, policy), $"{document.Name}: {policyKind}.{policy} is defined but no target uses it");
                }
            }
        }
    }

    private static TimeSpan TimeoutOf(YamlJson.Document document, string target)
    {
        var name = ResiliencyFile.Target(document, "apps", target)!["timeout"]!.GetValue<string>();
        return ResiliencyFile.Duration(document.Node["spec"]!["policies"]!["timeouts"]![name]!.GetValue<string>());
    }

    private static bool IsStateStore(string component) =>
        DeploymentFiles.Profile("local").Any(c => c.Name == component && c.Node["spec"]!["type"]!.GetValue<string>().StartsWith("state.", StringComparison.Ordinal));
}
