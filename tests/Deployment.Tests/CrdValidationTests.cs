using System.Text.Json.Nodes;
using Deployment.Tests.Infrastructure;

namespace Deployment.Tests;

/// <summary>Every Dapr resource in the repo validates against Dapr's own CRD schema for its kind and version.</summary>
public sealed class CrdValidationTests
{
    private static readonly Lazy<CrdSchemas> Schemas = new(() => CrdSchemas.Load(RepoPaths.CrdDirectory));

    public static TheoryData<string> ResourceDocuments()
    {
        var data = new TheoryData<string>();
        foreach (var doc in DeploymentFiles.DaprResources())
        {
            data.Add(doc.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ResourceDocuments))]
    public void Resource_validates_against_its_crd(string document)
    {
        var doc = DeploymentFiles.DaprResources().Single(d => d.ToString() == document);
        Schemas.Value.Validate(doc.Node).Should().BeNull($"{document} must match Dapr's CRD");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Rendered_overlay_dapr_resources_validate(string overlay)
    {
        var dapr = DeploymentFiles.Render(overlay).Where(d => d.ApiVersion?.StartsWith("dapr.io/", StringComparison.Ordinal) == true).ToList();
        dapr.Should().NotBeEmpty();
        foreach (var doc in dapr)
        {
            Schemas.Value.Validate(doc.Node).Should().BeNull($"{doc} (overlay {overlay}) must match Dapr's CRD");
        }
    }

    [Fact]
    public void All_four_resource_kinds_in_use_have_schemas()
    {
        Schemas.Value.Known.Should().Contain([
            ("dapr.io/v1alpha1", "Component"), ("dapr.io/v1alpha1", "Configuration"),
            ("dapr.io/v1alpha1", "Resiliency"), ("dapr.io/v1alpha1", "HTTPEndpoint")]);
    }

    // The validator itself must be able to fail: misspelt fields, missing required fields and wrong types.
    [Theory]
    [InlineData("""{"apiVersion":"dapr.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"state.redis","version":"v1","metdata":[]}}""")]
    [InlineData("""{"apiVersion":"dapr.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"version":"v1","metadata":[]}}""")]
    [InlineData("""{"apiVersion":"dapr.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"state.redis","version":"v1","metadata":[{"value":"no name"}]}}""")]
    [InlineData("""{"apiVersion":"dapr.io/v1alpha1","kind":"HTTPEndpoint","metadata":{"name":"x"},"spec":{"headers":[]}}""")]
    [InlineData("""{"apiVersion":"dapr.io/v1alpha1","kind":"Resiliency","metadata":{"name":"x"},"spec":{"policies":{"retries":{"r":{"maxRetries":"three"}}},"targets":{}}}""")]
    [InlineData("""{"apiVersion":"dapr.io/v9","kind":"Component","metadata":{"name":"x"},"spec":{"type":"state.redis","version":"v1"}}""")]
    public void Invalid_resources_are_rejected(string json)
    {
        Schemas.Value.Validate(JsonNode.Parse(json)!.AsObject()).Should().NotBeNull();
    }
}
