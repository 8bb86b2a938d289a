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
}
