using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr;
using Grpc.Core;
using LocalDapr.Tests.Infrastructure;

namespace LocalDapr.Tests.Secrets;

/// <summary>secretstores.local.file and secretstores.local.env through DaprClient and the raw HTTP API.</summary>
public sealed class SecretStoreTests
{
    private const string SecretsJson = """
        {
          "openai": { "apiKey": "sk-123", "org": { "id": "org-9" } },
          "pepper": "salt-and-pepper",
          "port": 6379
        }
        """;

    [Fact]
    public async Task File_store_flattens_nested_keys_for_get_and_bulk_get()
    {
        await using var harness = await StartWithFileStoreAsync(string.Empty);
        using var client = harness.CreateClient("app-a");

        (await client.GetSecretAsync("secretstore", "openai:apiKey")).Should().Equal(new Dictionary<string, string> { ["openai:apiKey"] = "sk-123" });
        (await client.GetSecretAsync("secretstore", "openai:org:id"))["openai:org:id"].Should().Be("org-9");
        (await client.GetSecretAsync("secretstore", "port"))["port"].Should().Be("6379");

        var all = await client.GetBulkSecretAsync("secretstore");
        all.Keys.Should().BeEquivalentTo(["openai:apiKey", "openai:org:id", "pepper", "port"]);
        all["pepper"]["pepper"].Should().Be("salt-and-pepper");
    }

    [Fact]
    public async Task Nested_separator_and_multi_valued_follow_the_component_metadata()
    {
        await using var harness = await StartWithFileStoreAsync("""
                - name: nestedSeparator
                  value: "."
                - name: multiValued
                  value: "true"
            """);
        using var client = harness.CreateClient("app-a");

        var openai = await client.GetSecretAsync("secretstore", "openai");

        openai.Should().Equal(new Dictionary<string, string> { ["apiKey"] = "sk-123", ["org.id"] = "org-9" });
        (await client.GetMetadataAsync()).Components.Single(c => c.Name == "secretstore").Capabilities
            .Should().Contain("MULTIPLE_KEY_VALUES_PER_SECRET");
    }

    [Fact]
    public async Task Missing_secret_and_unknown_store_give_daprd_errors()
    {
        await using var harness = await StartWithFileStoreAsync(string.Empty);
        using var client = harness.CreateClient("app-a");
        var http = harness.CreateSidecarHttpClient("app-a");

        var missing = () => client.GetSecretAsync("secretstore", "nope");
        (await missing.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.Status.Detail.Should().Contain("nope");

        var unknown = () => client.GetSecretAsync("vault", "x");
        var rpc = (await unknown.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>().Which;
        rpc.StatusCode.Should().Be(StatusCode.InvalidArgument);
        rpc.Status.Detail.Should().Be("failed finding secret store with key vault");

        using var unknownHttp = await http.GetAsync("/v1.0/secrets/vault/x");
        unknownHttp.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await unknownHttp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_STORE_NOT_FOUND");

        using var missingHttp = await http.GetAsync("/v1.0/secrets/secretstore/nope");
        (await missingHttp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_GET");
    }

    [Fact]
    public async Task Http_api_returns_secret_maps()
    {
        await using var harness = await StartWithFileStoreAsync(string.Empty);
        var http = harness.CreateSidecarHttpClient("app-a");

        var one = await http.GetFromJsonAsync<Dictionary<string, string>>("/v1.0/secrets/secretstore/pepper");
        var bulk = await http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>("/v1.0/secrets/secretstore/bulk");

        one.Should().Equal(new Dictionary<string, string> { ["pepper"] = "salt-and-pepper" });
        bulk!["openai:apiKey"]["openai:apiKey"].Should().Be("sk-123");
    }

    [Fact]
    public async Task Env_store_sees_only_prefixed_variables_without_the_prefix()
    {
        var prefix = $"LDT{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "TOKEN", "from-env");
        try
        {
            await using var harness = await RuntimeHarness.StartAsync("app-a", null, ("env.yaml", $$"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: envstore
                spec:
                  type: secretstores.local.env
                  version: v1
                  metadata:
                    - name: prefix
                      value: {{prefix}}
                """));
            using var client = harness.CreateClient("app-a");

            (await client.GetSecretAsync("envstore", "TOKEN")).Should().Equal(new Dictionary<string, string> { ["TOKEN"] = "from-env" });
            var all = await client.GetBulkSecretAsync("envstore");
            all.Should().ContainKey("TOKEN").And.NotContainKey("PATH");
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "TOKEN", null);
        }
    }

    private static Task<RuntimeHarness> StartWithFileStoreAsync(string extraMetadata)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Files["secrets.json"] = SecretsJson;
        options.Resources["secretstore.yaml"] = $$$"""
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
            {{{extraMetadata}}}
            """;
        return RuntimeHarness.StartAsync(options);
    }
}
