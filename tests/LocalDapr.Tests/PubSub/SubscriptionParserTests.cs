using LocalDapr.Resources;
using LocalDapr.Subscriptions;

namespace LocalDapr.Tests.PubSub;

public sealed class SubscriptionParserTests
{
    [Fact]
    public void Parses_the_sdk_shape_case_insensitively_and_normalises_paths()
    {
        const string json = """
            [{"topic":"orders","pubsubName":"pubsub","route":"orders","metadata":{"rawPayload":"true"},"deadLetterTopic":"orders-dlq"},
             {"TOPIC":"events","PUBSUBNAME":"bus","routes":{"rules":[{"match":"event.type == \"a\"","path":"events/a"}],"default":"/events"}},
             {"topic":"bulk","pubsubname":"pubsub","route":"bulk","bulkSubscribe":{"enabled":true,"maxMessagesCount":10,"maxAwaitDurationMs":50}}]
            """;

        var subs = SubscriptionParser.ParseProgrammatic(json);

        subs.Should().HaveCount(3);
        subs[0].Should().Match<TopicSubscription>(s => s.PubSubName == "pubsub" && s.Topic == "orders" && s.DefaultPath == "/orders"
            && s.RawPayload && s.DeadLetterTopic == "orders-dlq" && s.Type == SubscriptionTypes.Programmatic);
        subs[1].PubSubName.Should().Be("bus");
        subs[1].DefaultPath.Should().Be("/events");
        subs[1].Rules.Should().ContainSingle().Which.Path.Should().Be("/events/a");
        subs[1].Rules[0].Match!.Text.Should().Be("event.type == \"a\"");
        subs[2].Bulk.Should().Be(new BulkSubscribeOptions(10, 50));
        subs[0].Bulk.Should().BeNull();
    }

    [Fact]
    public void Rejects_a_subscription_without_a_route_or_with_an_unsupported_match()
    {
        var noRoute = () => SubscriptionParser.ParseProgrammatic("""[{"topic":"t","pubsubName":"p"}]""");
        noRoute.Should().Throw<SubscriptionException>().WithMessage("*p/t*no route*");

        var badMatch = () => SubscriptionParser.ParseProgrammatic("""[{"topic":"t","pubsubName":"p","routes":{"rules":[{"match":"has(event.x)","path":"x"}]}}]""");
        badMatch.Should().Throw<SubscriptionException>().WithMessage("*p/t*unsupported match expression 'has(event.x)'*");

        var errors = new List<string>();
        var kept = SubscriptionParser.ParseProgrammatic("""[{"topic":"t","pubsubName":"p"},{"topic":"u","pubsubName":"p","route":"u"}]""", e => errors.Add(e.Message));
        kept.Should().ContainSingle().Which.Topic.Should().Be("u");
        errors.Should().ContainSingle().Which.Should().Contain("p/t");

        var notArray = () => SubscriptionParser.ParseProgrammatic("""{"topic":"t"}""");
        notArray.Should().Throw<SubscriptionException>().WithMessage("*JSON array*");
    }

    [Fact]
    public void Parses_declarative_v2alpha1_and_v1alpha1_resources()
    {
        var dir = Directory.CreateTempSubdirectory("subs-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "subs.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: orders-sub
                spec:
                  pubsubname: pubsub
                  topic: orders
                  routes:
                    rules:
                      - match: event.data.kind == "big"
                        path: /orders/big
                    default: orders
                  deadLetterTopic: orders-dead
                  metadata:
                    rawPayload: "false"
                scopes:
                  - shop
                ---
                apiVersion: dapr.io/v1alpha1
                kind: Subscription
                metadata:
                  name: legacy
                spec:
                  pubsubname: pubsub
                  topic: legacy
                  route: /legacy
                """);

            var resources = ResourceLoader.LoadDirectories([dir.FullName]).Subscriptions.ToArray();
            var v2 = SubscriptionParser.ParseDeclarative(resources[0]);
            var v1 = SubscriptionParser.ParseDeclarative(resources[1]);

            v2.Should().Match<TopicSubscription>(s => s.Topic == "orders" && s.DefaultPath == "/orders" && s.DeadLetterTopic == "orders-dead"
                && !s.RawPayload && s.Type == SubscriptionTypes.Declarative);
            v2.Rules.Should().ContainSingle().Which.Path.Should().Be("/orders/big");
            resources[0].AppliesTo("shop").Should().BeTrue();
            resources[0].AppliesTo("other").Should().BeFalse();
            v1.DefaultPath.Should().Be("/legacy");
            v1.Rules.Should().BeEmpty();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
