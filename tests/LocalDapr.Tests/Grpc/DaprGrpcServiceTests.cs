using System.Text.Json;
using Dapr;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace LocalDapr.Tests.Grpc;

/// <summary>The hand-bound dapr.proto.runtime.v1.Dapr service: unbound methods, metadata, shutdown, publish and raw-proto edge cases.</summary>
public sealed class DaprGrpcServiceTests
{
    private const string PubSubYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: pubsub
        spec:
          type: pubsub.in-memory
          version: v1
          metadata: []
        """;

    [Fact]
    public async Task Methods_the_runtime_does_not_serve_return_unimplemented()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory)));
        using var client = harness.CreateClient("app-a");

        var act = () => client.InvokeBindingAsync("binding", "create", new { x = 1 });

        (await act.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e =>
            (e as RpcException ?? e.InnerException as RpcException)!.StatusCode == StatusCode.Unimplemented);
    }

    [Fact]
    public async Task Set_metadata_is_reported_by_get_metadata_for_that_sidecar_only()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Apps.Add(new HarnessApp("app-b"));
        await using var harness = await RuntimeHarness.StartAsync(options);
        using var a = harness.CreateClient("app-a");
        using var b = harness.CreateClient("app-b");

        await a.SetMetadataAsync("owner", "team-a");

        (await a.GetMetadataAsync()).Extended.Should().Contain("owner", "team-a");
        (await b.GetMetadataAsync()).Extended.Should().NotContainKey("owner");
        var http = await harness.CreateSidecarHttpClient("app-a").GetStringAsync("/v1.0/metadata");
        using var json = JsonDocument.Parse(http);
        json.RootElement.GetProperty("id").GetString().Should().Be("app-a");
        json.RootElement.GetProperty("runtimeVersion").GetString().Should().Be("local");
        json.RootElement.GetProperty("extended").GetProperty("owner").GetString().Should().Be("team-a");
    }

    [Fact]
    public async Task Shutdown_is_acknowledged_and_the_shared_runtime_keeps_serving()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory)));
        using var client = harness.CreateClient("app-a");

        await client.ShutdownSidecarAsync();

        await client.SaveStateAsync("statestore", "after-shutdown", 1);
        (await client.GetStateAsync<int>("statestore", "after-shutdown")).Should().Be(1);
    }

    [Fact]
    public async Task Publish_reaches_the_pubsub_and_unknown_pubsub_is_invalid_argument()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("pubsub.yaml", PubSubYaml));
        using var client = harness.CreateClient("app-a");

        await client.PublishEventAsync("pubsub", "orders", new { id = 1 });
        var bulk = await client.BulkPublishEventAsync("pubsub", "orders", new[] { new { id = 2 }, new { id = 3 } });
        bulk.FailedEntries.Should().BeEmpty();

        var unknown = () => client.PublishEventAsync("nope", "orders", new { id = 1 });
        var rpc = (await unknown.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>().Which;
        rpc.StatusCode.Should().Be(StatusCode.InvalidArgument);
        rpc.Status.Detail.Should().Contain("nope");
    }

    [Fact]
    public async Task Raw_proto_calls_validate_input_like_daprd()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("store.yaml", StoreComponents.Yaml(StoreKind.Redis)), ("pubsub.yaml", PubSubYaml));
        using var channel = GrpcChannel.ForAddress(harness.GrpcEndpoint("app-a"));
        var raw = new DaprGrpc.DaprClient(channel);

        var emptyKey = () => raw.GetStateAsync(new GetStateRequest { StoreName = "statestore", Key = "" }).ResponseAsync;
        (await emptyKey.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);

        var badEtag = () => raw.SaveStateAsync(new SaveStateRequest
        {
            StoreName = "statestore",
            States = { new Dapr.Client.Autogen.Grpc.v1.StateItem { Key = "k", Value = Google.Protobuf.ByteString.CopyFromUtf8("1"), Etag = new Etag { Value = "abc" } } },
        }).ResponseAsync;
        (await badEtag.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);

        var noTopic = () => raw.PublishEventAsync(new PublishEventRequest { PubsubName = "pubsub" }).ResponseAsync;
        (await noTopic.Should().ThrowAsync<RpcException>()).Which.Status.Detail.Should().Be("topic is empty in pubsub pubsub");

        var duplicateIds = () => raw.BulkPublishEventAsync(new BulkPublishRequest
        {
            PubsubName = "pubsub",
            Topic = "t",
            Entries = { new BulkPublishRequestEntry { EntryId = "1" }, new BulkPublishRequestEntry { EntryId = "1" } },
        }).ResponseAsync;
        (await duplicateIds.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Metadata_lists_subscriptions_of_the_app()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = "pubsub", topic = "orders", route = "orders" } }));
            a.MapPost("/orders", () => Results.Ok());
        });
        await using var harness = await RuntimeHarness.StartAsync("app-a", app, ("pubsub.yaml", PubSubYaml));
        using var channel = GrpcChannel.ForAddress(harness.GrpcEndpoint("app-a"));
        var raw = new DaprGrpc.DaprClient(channel);

        // DaprClient.GetMetadataAsync does not expose subscriptions, so the raw proto is read.
        var found = await Eventually.TrueAsync(async () => (await raw.GetMetadataAsync(new GetMetadataRequest())).Subscriptions.Any(s => s.Topic == "orders"), TimeSpan.FromSeconds(10));

        found.Should().BeTrue("the app's programmatic subscription shows in metadata");
        var subscription = (await raw.GetMetadataAsync(new GetMetadataRequest())).Subscriptions.Single(s => s.Topic == "orders");
        subscription.PubsubName.Should().Be("pubsub");
        subscription.Rules.Rules.Should().ContainSingle().Which.Path.Should().Contain("orders");
    }
}
