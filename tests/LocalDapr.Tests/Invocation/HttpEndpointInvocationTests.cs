using System.Net;
using LocalDapr.Resources;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Invocation;

public sealed class HttpEndpointInvocationTests
{
    [Fact]
    public async Task HttpEndpoint_adds_headers_from_values_secrets_and_env()
    {
        Environment.SetEnvironmentVariable("LOCALDAPR_TEST_ENDPOINT_HEADER", "from-env");
        await using var upstream = await EchoApp.StartAsync();
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller"));
        options.Files["secrets.json"] = """{ "upstream": { "apiKey": "s3cret" } }""";
        options.Resources["secretstore.yaml"] = """
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
        options.Resources["endpoint.yaml"] = $"""
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: model-server
            spec:
              baseUrl: {upstream.BaseAddress}/echo
              headers:
              - name: x-test
                secretKeyRef:
                  name: upstream:apiKey
                  key: upstream:apiKey
              - name: x-static
                value: fixed
              - name: x-env
                envRef: LOCALDAPR_TEST_ENDPOINT_HEADER
            auth:
              secretStore: secretstore
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://model-server/v1/models?limit=1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ServiceInvocationTests.Header(response, "x-echo-path").Should().Be("/echo/v1/models");
        ServiceInvocationTests.Header(response, "x-echo-query").Should().Be("?limit=1");
        ServiceInvocationTests.Header(response, "x-echo-header").Should().Be("s3cret");
    }

    [Fact]
    public async Task Fqdn_targets_are_called_directly()
    {
        await using var upstream = await EchoApp.StartAsync();
        await using var harness = await RuntimeHarness.StartAsync("caller", null);
        var http = harness.CreateSidecarHttpClient("caller");

        using var response = await http.PostAsync($"/v1.0/invoke/{upstream.BaseAddress}/method/echo/direct?z=9", new StringContent("body"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ServiceInvocationTests.Header(response, "x-echo-path").Should().Be("/echo/direct");
        ServiceInvocationTests.Header(response, "x-echo-query").Should().Be("?z=9");
        (await response.Content.ReadAsStringAsync()).Should().Be("body");
    }

    [Fact]
    public async Task An_HttpEndpoint_without_baseUrl_fails_start_up_naming_the_file()
    {
        var act = () => RuntimeHarness.StartAsync("caller", null, ("endpoint.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: nowhere
            spec:
              headers: []
            """));

        (await act.Should().ThrowAsync<ResourceException>()).Which.Message.Should().Contain("endpoint.yaml").And.Contain("spec.baseUrl");
    }

    [Fact]
    public async Task A_missing_secret_gives_ERR_DIRECT_INVOKE()
    {
        await using var upstream = await TestApp.StartAsync(app => app.MapGet("/", () => "unreachable"));
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller"));
        options.Files["secrets.json"] = "{}";
        options.Resources["secretstore.yaml"] = """
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
        options.Resources["endpoint.yaml"] = $"""
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: guarded
            spec:
              baseUrl: {upstream.BaseAddress}
              headers:
              - name: authorization
                secretKeyRef:
                  name: missing
                  key: missing
            auth:
              secretStore: secretstore
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);

        using var response = await harness.CreateSidecarHttpClient("caller").GetAsync("/v1.0/invoke/guarded/method/");

        await ServiceInvocationTests.AssertDaprError(response, "ERR_DIRECT_INVOKE", "missing");
    }
}
