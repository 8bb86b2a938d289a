using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LocalDapr.Tests.Infrastructure;

namespace LocalDapr.Tests.State;

/// <summary>The raw HTTP state API, as non-SDK callers (curl, other languages) use it.</summary>
public sealed class StateHttpApiTests
{
    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Save_returns_204_get_returns_value_with_etag_header_and_missing_key_is_204(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        var http = harness.CreateSidecarHttpClient(appId);

        using var save = await http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"k1","value":{"name":"x","count":2}}]"""));
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var get = await http.GetAsync("/v1.0/state/statestore/k1");
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        // daprd sends the ETag unquoted, so it is read as a raw header rather than as an EntityTagHeaderValue.
        get.Headers.GetValues("ETag").Single().Should().NotBeNullOrWhiteSpace();
        JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("count").GetInt32().Should().Be(2);

        using var missing = await http.GetAsync("/v1.0/state/statestore/nope");
        missing.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Theory]
    [MemberData(nameof(StoreComponents.AllKinds), MemberType = typeof(StoreComponents))]
    public async Task Etag_mismatch_is_409_and_matching_if_match_deletes(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        var http = harness.CreateSidecarHttpClient(appId);
        (await http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"k","value":"v1"}]"""))).EnsureSuccessStatusCode();
        using var first = await http.GetAsync("/v1.0/state/statestore/k");
        var etag = first.Headers.GetValues("ETag").Single();
        (await http.PostAsync("/v1.0/state/statestore", Json($$"""[{"key":"k","value":"v2","etag":"{{etag}}"}]"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var stale = await http.PostAsync("/v1.0/state/statestore", Json($$"""[{"key":"k","value":"v3","etag":"{{etag}}"}]"""));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorCode(stale)).Should().Be("ERR_STATE_SAVE");

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/v1.0/state/statestore/k");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        (await http.SendAsync(staleDelete)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        using var current = await http.GetAsync("/v1.0/state/statestore/k");
        (await current.Content.ReadAsStringAsync()).Should().Be("\"v2\"");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/v1.0/state/statestore/k");
        delete.Headers.TryAddWithoutValidation("If-Match", current.Headers.GetValues("ETag").Single());
        (await http.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await http.GetAsync("/v1.0/state/statestore/k")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData(StoreKind.InMemory)]
    [InlineData(StoreKind.Redis)]
    public async Task Non_numeric_etag_on_a_versioned_store_is_400(StoreKind kind)
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(kind)));
        var http = harness.CreateSidecarHttpClient(appId);

        using var response = await http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"k","value":1,"etag":"not-a-version"}]"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorCode(response)).Should().Be("ERR_STATE_SAVE");
    }

    [Fact]
    public async Task Bulk_get_transaction_and_query_ttl_work_over_http()
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(StoreKind.Sqlite)));
        var http = harness.CreateSidecarHttpClient(appId);

        using var transaction = await http.PostAsync("/v1.0/state/statestore/transaction", Json("""
            {"operations":[
              {"operation":"upsert","request":{"key":"a","value":{"n":1}}},
              {"operation":"upsert","request":{"key":"b","value":"text"}}]}
            """));
        transaction.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var bulk = await http.PostAsync("/v1.0/state/statestore/bulk", Json("""{"keys":["a","b","c"]}"""));
        var items = (await bulk.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        items.Select(i => i.GetProperty("key").GetString()).Should().Equal("a", "b", "c");
        items[0].GetProperty("data").GetProperty("n").GetInt32().Should().Be(1);
        items[1].GetProperty("data").GetString().Should().Be("text");
        items[0].GetProperty("etag").GetString().Should().NotBeNullOrEmpty();
        items[2].TryGetProperty("data", out _).Should().BeFalse();

        using var ttl = await http.PostAsync("/v1.0/state/statestore?metadata.ttlInSeconds=60", Json("""[{"key":"t","value":1}]"""));
        ttl.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var withTtl = await http.GetAsync("/v1.0/state/statestore/t");
        withTtl.Headers.Contains("metadata.ttlExpireTime").Should().BeTrue();
    }

    [Fact]
    public async Task Bad_input_gets_daprd_error_shape()
    {
        var appId = StoreComponents.UniqueAppId();
        await using var harness = await RuntimeHarness.StartAsync(appId, null, ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory)));
        var http = harness.CreateSidecarHttpClient(appId);

        using var unknown = await http.GetAsync("/v1.0/state/nosuchstore/k");
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("errorCode").GetString().Should().Be("ERR_STATE_STORE_NOT_FOUND");
        body.GetProperty("message").GetString().Should().Be("state store nosuchstore is not found");

        using var malformed = await http.PostAsync("/v1.0/state/statestore", Json("{not json"));
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorCode(malformed)).Should().Be("ERR_MALFORMED_REQUEST");

        using var badTtl = await http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"k","value":1,"metadata":{"ttlInSeconds":"soon"}}]"""));
        badTtl.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var prefixEscape = await http.GetAsync("/v1.0/state/statestore/other||k");
        prefixEscape.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a key with '||' could read another app's keys");

        using var badOperation = await http.PostAsync("/v1.0/state/statestore/transaction", Json("""{"operations":[{"operation":"merge","request":{"key":"a"}}]}"""));
        badOperation.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorCode(badOperation)).Should().Be("ERR_NOT_SUPPORTED_STATE_OPERATION");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string?> ErrorCode(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString();
}
