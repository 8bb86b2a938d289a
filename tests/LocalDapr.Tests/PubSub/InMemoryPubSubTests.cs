using LocalDapr.Tests.Infrastructure;

namespace LocalDapr.Tests.PubSub;

/// <summary>The conformance suite on <c>pubsub.in-memory</c> (one broker per component shared by all apps of the runtime).</summary>
public sealed class InMemoryPubSubTests : PubSubConformanceTests
{
    protected override string ComponentYaml(string name, params string[] scopes) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.in-memory
          version: v1
          metadata: []
        {(scopes.Length == 0 ? string.Empty : "scopes:\n" + string.Join("\n", scopes.Select(s => "  - " + s)))}
        """;

    [Fact]
    public async Task A_declarative_subscription_with_an_unsupported_match_stops_start_up()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(Subscriber));
        options.Resources["pubsub.yaml"] = ComponentYaml(PubSub);
        options.Resources["bad-sub.yaml"] = """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: bad
            spec:
              pubsubname: pubsub
              topic: orders
              routes:
                rules:
                  - match: event.data.items.exists(i, i > 2)
                    path: /big
                default: /orders
            """;

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<LocalDapr.Resources.ResourceException>())
            .Which.Message.Should().Contain("bad-sub.yaml").And.Contain("event.data.items.exists(i, i > 2)");
    }
}
