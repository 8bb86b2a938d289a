using Deployment.Tests.Infrastructure;

namespace Deployment.Tests;

public sealed class KustomizeTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Overlay_renders_and_every_object_is_well_formed(string overlay)
    {
        var docs = DeploymentFiles.Render(overlay);
        docs.Should().NotBeEmpty();
        foreach (var doc in docs)
        {
            doc.ApiVersion.Should().NotBeNullOrEmpty($"{doc} needs apiVersion");
            doc.Kind.Should().NotBeNullOrEmpty($"{doc} needs kind");
            doc.Name.Should().NotBeNullOrEmpty($"{doc} needs metadata.name");
            if (doc.Kind is not ("Namespace"))
            {
                doc.Node["metadata"]!["namespace"]?.GetValue<string>().Should().Be("deepseek-dapr", $"{doc} belongs in the platform namespace");
            }
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_app_has_probes_resources_and_dapr_annotations(string overlay)
    {
        var deployments = DeploymentFiles.Render(overlay).Where(d => d.Kind == "Deployment" && d.Name != "loadbalancer").ToList();
        deployments.Select(d => d.Name).Should().BeEquivalentTo(Topology.AppIds);
        foreach (var d in deployments)
        {
            var template = d.Node["spec"]!["template"]!;
            var annotations = template["metadata"]!["annotations"]!.AsObject();
            annotations["dapr.io/enabled"]!.GetValue<string>().Should().Be("true");
            annotations["dapr.io/app-id"]!.GetValue<string>().Should().Be(d.Name);
            annotations["dapr.io/config"]!.GetValue<string>().Should().StartWith("deepseek-dapr-");
            annotations["dapr.io/api-token-secret"].Should().NotBeNull($"{d} protects its sidecar's API with a token");
            annotations["dapr.io/app-token-secret"].Should().NotBeNull($"{d} lets its sidecar prove itself to the app");
            var container = template["spec"]!["containers"]![0]!;
            container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>().Should().Be("/readyz");
            container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>().Should().Be("/healthz");
            container["resources"]!["requests"].Should().NotBeNull();
            container["resources"]!["limits"].Should().NotBeNull();
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Hot_path_apps_autoscale_and_every_app_has_a_disruption_budget(string overlay)
    {
        var docs = DeploymentFiles.Render(overlay);
        docs.Where(d => d.Kind == "HorizontalPodAutoscaler").Select(d => d.Name)
            .Should().BeEquivalentTo(["router", "gateway-ai", "inference"]);
        docs.Count(d => d.Kind == "PodDisruptionBudget").Should().Be(Topology.AppIds.Count + 1);
        docs.Should().Contain(d => d.Kind == "NetworkPolicy" && d.Name == "default-deny-ingress");
        docs.Should().Contain(d => d.Kind == "Service" && d.Name == "loadbalancer" && d.Node["spec"]!["type"]!.GetValue<string>() == "LoadBalancer");
    }

    [Fact]
    public void Dapr_configurations_referenced_by_deployments_exist()
    {
        var docs = DeploymentFiles.Render("prod");
        var configs = docs.Where(d => d.Kind == "Configuration").Select(d => d.Name).ToHashSet();
        foreach (var d in docs.Where(d => d.Kind == "Deployment" && d.Name != "loadbalancer"))
        {
            var config = d.Node["spec"]!["template"]!["metadata"]!["annotations"]!["dapr.io/config"]!.GetValue<string>();
            configs.Should().Contain(config, $"{d} names Dapr configuration {config}");
        }
    }
}
