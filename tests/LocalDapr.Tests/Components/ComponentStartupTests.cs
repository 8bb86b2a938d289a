using Dapr;
using Dapr.Client;
using Grpc.Core;
using LocalDapr.Resources;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.State;

namespace LocalDapr.Tests.Components;

/// <summary>How Component resources load: loud start-up errors, scopes, secretKeyRef/envRef, ignoreErrors, metadata.</summary>
public sealed class ComponentStartupTests
{
    [Fact]
    public async Task Unknown_component_type_stops_start_up_naming_file_component_and_type()
    {
        var act = () => RuntimeHarness.StartAsync("app-a", null, ("binding.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: mybinding
            spec:
              type: bindings.kafka
              version: v1
              metadata: []
            """));

        var error = (await act.Should().ThrowAsync<ResourceException>()).Which.Message;
        error.Should().Contain("binding.yaml").And.Contain("mybinding").And.Contain("bindings.kafka");
    }

    [Fact]
    public async Task Missing_required_field_stops_start_up_naming_file_and_field()
    {
        var act = () => RuntimeHarness.StartAsync("app-a", null, ("db.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: db
            spec:
              type: state.sqlite
              version: v1
              metadata:
                - name: busyTimeout
                  value: 5s
            """));

        var error = (await act.Should().ThrowAsync<ResourceException>()).Which.Message;
        error.Should().Contain("db.yaml").And.Contain("connectionString");
    }

    [Fact]
    public async Task Unsupported_version_and_bad_values_stop_start_up()
    {
        var badVersion = () => RuntimeHarness.StartAsync("app-a", null, ("v2.yaml", StoreComponents.Yaml(StoreKind.InMemory).Replace("version: v1", "version: v2")));
        (await badVersion.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("v2.yaml").And.Contain("v2");

        var badDuration = () => RuntimeHarness.StartAsync("app-a", null, ("d.yaml", StoreComponents.Yaml(StoreKind.Sqlite, extraMetadata: "    - name: busyTimeout\n      value: soon\n")));
        (await badDuration.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("d.yaml").And.Contain("busyTimeout");
    }

    [Fact]
    public async Task Unreachable_redis_stops_start_up_naming_the_component()
    {
        var yaml = StoreComponents.Yaml(StoreKind.Redis, "cache", "    - name: dialTimeout\n      value: 500ms\n")
            .Replace(StoreComponents.RedisHost, $"127.0.0.1:{PortAllocator.Next()}");
        var act = () => RuntimeHarness.StartAsync("app-a", null, ("cache.yaml", yaml));

        (await act.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("cache.yaml").And.Contain("'cache'");
    }

    [Fact]
    public async Task Ignore_errors_skips_a_failing_component_and_pubsub_types_are_left_to_pub_sub()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null,
            ("binding.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: optional
                spec:
                  type: bindings.kafka
                  version: v1
                  ignoreErrors: "true"
                  metadata: []
                """),
            ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory)));
        using var client = harness.CreateClient("app-a");

        var metadata = await client.GetMetadataAsync();

        metadata.Components.Select(c => c.Name).Should().Contain("statestore").And.NotContain("optional");
    }

    [Fact]
    public async Task Scope_denies_a_component_to_apps_not_listed()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Apps.Add(new HarnessApp("app-b"));
        options.Resources["store.yaml"] = StoreComponents.Yaml(StoreKind.InMemory, scopes: "app-a");
        await using var harness = await RuntimeHarness.StartAsync(options);
        using var a = harness.CreateClient("app-a");
        using var b = harness.CreateClient("app-b");

        await a.SaveStateAsync("statestore", "k", 1);
        var denied = () => b.GetStateAsync<int>("statestore", "k");

        var rpc = (await denied.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>().Which;
        rpc.StatusCode.Should().Be(StatusCode.InvalidArgument);
        rpc.Status.Detail.Should().Be("state store statestore is not found");
        (await b.GetMetadataAsync()).Components.Should().BeEmpty();
    }

    [Fact]
    public async Task Unknown_store_names_the_store_in_the_error()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory)));
        using var client = harness.CreateClient("app-a");

        var act = () => client.SaveStateAsync("typo-store", "k", 1);

        var rpc = (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>().Which;
        rpc.StatusCode.Should().Be(StatusCode.InvalidArgument);
        rpc.Status.Detail.Should().Contain("typo-store");
    }

    [Fact]
    public async Task Secret_key_ref_and_env_ref_resolve_component_metadata()
    {
        var variable = $"LOCALDAPR_TEST_PREFIX_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "custom");
        try
        {
            var options = new HarnessOptions();
            options.Apps.Add(new HarnessApp("app-a"));
            options.Apps.Add(new HarnessApp("app-b"));
            options.Files["secrets.json"] = """{"db":{"path":"{{dir}}/data/from-secret.db"}}""";
            options.Resources["secrets.yaml"] = """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: secretstore
                spec:
                  type: secretstores.local.file
                  version: v1
                  metadata:
                    - name: secretsFile
                      value: "{{dir}}/secrets.json"
                """;
            options.Resources["db.yaml"] = $$"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: db
                spec:
                  type: state.sqlite
                  version: v1
                  metadata:
                    - name: connectionString
                      secretKeyRef:
                        name: "db:path"
                        key: "db:path"
                    - name: keyPrefix
                      envRef: {{variable}}
                auth:
                  secretStore: secretstore
                """;
            await using var harness = await RuntimeHarness.StartAsync(options);
            using var a = harness.CreateClient("app-a");
            using var b = harness.CreateClient("app-b");

            await a.SaveStateAsync("db", "k", "shared through the literal prefix");

            File.Exists(Path.Combine(harness.Directory, "data", "from-secret.db")).Should().BeTrue("the path came from the secret store");
            (await b.GetStateAsync<string>("db", "k")).Should().Be("shared through the literal prefix", "keyPrefix 'custom' (from envRef) is the same for both apps");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Secret_key_ref_to_a_missing_secret_stops_start_up()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Files["secrets.json"] = "{}";
        options.Resources["secrets.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: secretstore
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
                - name: secretsFile
                  value: "{{dir}}/secrets.json"
            """;
        options.Resources["cache.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: cache
            spec:
              type: state.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "127.0.0.1:1"
                - name: redisPassword
                  secretKeyRef:
                    name: redis-password
            auth:
              secretStore: secretstore
            """;

        var act = () => RuntimeHarness.StartAsync(options);

        (await act.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("cache.yaml").And.Contain("redisPassword").And.Contain("redis-password");
    }

    [Fact]
    public async Task Two_apps_scoped_to_one_sqlite_file_share_one_store_instance()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Apps.Add(new HarnessApp("app-b"));
        options.Resources["store.yaml"] = StoreComponents.Yaml(StoreKind.Sqlite, extraMetadata: "    - name: keyPrefix\n      value: none\n");
        await using var harness = await RuntimeHarness.StartAsync(options);
        using var a = harness.CreateClient("app-a");
        using var b = harness.CreateClient("app-b");

        // Concurrent first writes of one key from both apps: exactly one wins, the other gets a conflict.
        var writes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            var client = i % 2 == 0 ? a : b;
            try
            {
                await client.SaveStateAsync("statestore", "race", i, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });
                return true;
            }
            catch (DaprException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Aborted })
            {
                return false;
            }
        }));

        writes.Count(w => w).Should().Be(1);
        (await a.GetStateAsync<int?>("statestore", "race")).Should().Be(await b.GetStateAsync<int?>("statestore", "race"));
    }

    [Fact]
    public async Task Metadata_lists_components_with_type_version_and_capabilities()
    {
        await using var harness = await RuntimeHarness.StartAsync("app-a", null,
            ("store.yaml", StoreComponents.Yaml(StoreKind.InMemory, extraMetadata: "    - name: actorStateStore\n      value: \"true\"\n")),
            ("pubsub.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: pubsub
                spec:
                  type: pubsub.in-memory
                  version: v1
                  metadata: []
                """));
        using var client = harness.CreateClient("app-a");

        var metadata = await client.GetMetadataAsync();

        metadata.Id.Should().Be("app-a");
        var store = metadata.Components.Single(c => c.Name == "statestore");
        store.Type.Should().Be("state.in-memory");
        store.Version.Should().Be("v1");
        store.Capabilities.Should().Contain(["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"]);
        metadata.Components.Should().Contain(c => c.Name == "pubsub" && c.Type == "pubsub.in-memory");
    }
}
