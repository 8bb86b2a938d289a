using Dapr;
using Dapr.Client;
using Grpc.Core;
using LocalDapr.Tests.Infrastructure;

namespace LocalDapr.Tests.State;

/// <summary>
/// The official DaprClient against the runtime's state API, for every store type, with the behaviour daprd gives:
/// ETags, concurrency, bulk get, transactions, TTL and key prefixes.
/// </summary>
public sealed class StateConformanceTests
{
    private sealed record Widget(string Name, int Count);

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Save_get_and_delete_round_trip(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);

        await client.SaveStateAsync("statestore", "w1", new Widget("bolt", 3));
        (await client.GetStateAsync<Widget>("statestore", "w1")).Should().Be(new Widget("bolt", 3));

        await client.DeleteStateAsync("statestore", "w1");
        (await client.GetStateAsync<Widget>("statestore", "w1")).Should().BeNull("a missing key is OK with empty data");
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Stale_etag_makes_try_save_and_try_delete_return_false(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);

        await client.SaveStateAsync("statestore", "w", new Widget("a", 1));
        var (value, etag) = await client.GetStateAndETagAsync<Widget>("statestore", "w");
        value.Should().Be(new Widget("a", 1));
        etag.Should().NotBeNullOrEmpty();

        (await client.TrySaveStateAsync("statestore", "w", new Widget("b", 2), etag)).Should().BeTrue();
        (await client.TrySaveStateAsync("statestore", "w", new Widget("c", 3), etag)).Should().BeFalse("the etag is stale now");
        (await client.TryDeleteStateAsync("statestore", "w", etag)).Should().BeFalse();
        (await client.GetStateAsync<Widget>("statestore", "w")).Should().Be(new Widget("b", 2));

        var (_, current) = await client.GetStateAndETagAsync<Widget>("statestore", "w");
        current.Should().NotBe(etag);
        (await client.TryDeleteStateAsync("statestore", "w", current)).Should().BeTrue();
        (await client.GetStateAsync<Widget>("statestore", "w")).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task First_write_without_etag_fails_when_the_key_exists(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };

        await client.SaveStateAsync("statestore", "fw", new Widget("first", 1), firstWrite);
        var second = () => client.SaveStateAsync("statestore", "fw", new Widget("second", 2), firstWrite);

        var error = await second.Should().ThrowAsync<DaprException>();
        error.Which.InnerException.Should().BeOfType<RpcException>().Which.StatusCode.Should().Be(StatusCode.Aborted);
        (await client.GetStateAsync<Widget>("statestore", "fw")).Should().Be(new Widget("first", 1));
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Bulk_get_returns_every_key_with_etags_and_empty_data_for_missing_ones(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);
        await client.SaveStateAsync("statestore", "b1", new Widget("one", 1));
        await client.SaveStateAsync("statestore", "b2", new Widget("two", 2));

        var items = await client.GetBulkStateAsync<Widget>("statestore", ["b1", "b2", "missing"], parallelism: 2);

        items.Should().HaveCount(3);
        items.Single(i => i.Key == "b1").Value.Should().Be(new Widget("one", 1));
        items.Single(i => i.Key == "b2").ETag.Should().NotBeNullOrEmpty();
        var missing = items.Single(i => i.Key == "missing");
        missing.Value.Should().BeNull();
        missing.ETag.Should().BeNullOrEmpty();
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Transaction_is_all_or_nothing(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);
        await client.SaveStateAsync("statestore", "t-existing", new Widget("old", 0));
        await client.SaveStateAsync("statestore", "t-doomed", new Widget("doomed", 0));
        var (_, staleEtag) = await client.GetStateAndETagAsync<Widget>("statestore", "t-existing");
        await client.SaveStateAsync("statestore", "t-existing", new Widget("changed", 1));

        var failing = () => client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("t-new", Json(new Widget("new", 1)), StateOperationType.Upsert),
            new StateTransactionRequest("t-doomed", null, StateOperationType.Delete),
            new StateTransactionRequest("t-existing", Json(new Widget("lost", 2)), StateOperationType.Upsert, etag: staleEtag),
        ]);

        // daprd reports any failed transaction, an ETag conflict included, as Internal with the cause in the message.
        var rpc = (await failing.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>().Which;
        rpc.StatusCode.Should().Be(StatusCode.Internal);
        rpc.Status.Detail.Should().StartWith("error while executing state transaction: ").And.ContainEquivalentOf("etag mismatch");
        (await client.GetStateAsync<Widget>("statestore", "t-new")).Should().BeNull("nothing of a failed transaction is applied");
        (await client.GetStateAsync<Widget>("statestore", "t-doomed")).Should().Be(new Widget("doomed", 0));
        (await client.GetStateAsync<Widget>("statestore", "t-existing")).Should().Be(new Widget("changed", 1));

        await client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("t-new", Json(new Widget("new", 1)), StateOperationType.Upsert),
            new StateTransactionRequest("t-doomed", null, StateOperationType.Delete),
        ]);
        (await client.GetStateAsync<Widget>("statestore", "t-new")).Should().Be(new Widget("new", 1));
        (await client.GetStateAsync<Widget>("statestore", "t-doomed")).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Ttl_in_seconds_expires_the_key(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        using var client = harness.CreateClient(appId);

        await client.SaveStateAsync("statestore", "ttl", new Widget("short", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" });
        await client.SaveStateAsync("statestore", "forever", new Widget("long", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "-1" });
        (await client.GetStateAsync<Widget>("statestore", "ttl")).Should().Be(new Widget("short", 1));

        var gone = await Eventually.TrueAsync(async () => await client.GetStateAsync<Widget>("statestore", "ttl") is null, TimeSpan.FromSeconds(15));

        gone.Should().BeTrue("a key with ttlInSeconds=1 must expire");
        (await client.GetStateAsync<Widget>("statestore", "forever")).Should().Be(new Widget("long", 1));
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Default_key_prefix_isolates_app_ids_and_name_prefix_shares(StoreKind kind)
    {
        var appA = StoreComponents.UniqueAppId("a");
        var appB = StoreComponents.UniqueAppId("b");
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp(appA));
        options.Apps.Add(new HarnessApp(appB));
        options.Resources["isolated.yaml"] = StoreComponents.Yaml(kind, "isolated");
        options.Resources["shared.yaml"] = StoreComponents.Yaml(kind, "shared", "    - name: keyPrefix\n      value: name\n");
        await using var harness = await RuntimeHarness.StartAsync(options);
        using var a = harness.CreateClient(appA);
        using var b = harness.CreateClient(appB);

        await a.SaveStateAsync("isolated", "k", new Widget("from-a", 1));
        await a.SaveStateAsync("shared", "k", new Widget("from-a", 1));

        (await b.GetStateAsync<Widget>("isolated", "k")).Should().BeNull("keyPrefix appid (the default) keeps apps apart");
        (await b.GetStateAsync<Widget>("shared", "k")).Should().Be(new Widget("from-a", 1), "keyPrefix name shares keys between apps");
        (await a.GetStateAsync<Widget>("isolated", "k")).Should().Be(new Widget("from-a", 1));
    }

    private static byte[] Json<T>(T value) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
}
