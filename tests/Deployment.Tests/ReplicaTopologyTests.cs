using System.Text.Json.Nodes;
using Deployment.Tests.Infrastructure;
using DeepSeek.Dapr.Contracts;

namespace Deployment.Tests;

/// <summary>
/// Two gateway-ai instances and one gateway-platform everywhere the apps are described (issue "Resilience": one
/// gateway instance down, the other keeps serving), with the local replicas sharing the first entry's sidecar.
/// </summary>
public sealed class ReplicaTopologyTests
{
    private static readonly JsonArray RunApps = YamlJson.LoadFile(RepoPaths.Combine("dapr.yaml")).Single().Node["apps"]!.AsArray();

    private static JsonObject[] RunEntries(string appId) =>
        RunApps.Select(a => a!.AsObject()).Where(a => a["appID"]!.GetValue<string>() == appId).ToArray();

    [Fact]
    public void Run_file_has_two_gateway_ai_instances_on_their_own_app_ports_behind_one_sidecar()
    {
        var entries = RunEntries(AppIds.GatewayAi);
        entries.Should().HaveCount(2);
        entries.Select(e => e["appPort"]!.GetValue<long>()).Should().OnlyHaveUniqueItems();
        foreach (var replica in entries.Skip(1))
        {
            // The local runtime rejects a replica naming other sidecar ports; leaving them out is the clear form.
            replica["daprHTTPPort"].Should().BeNull("a replica shares the first entry's sidecar");
            replica["daprGRPCPort"].Should().BeNull("a replica shares the first entry's sidecar");
        }

        entries.Should().OnlyContain(e => e["enableAppHealthCheck"] != null && e["enableAppHealthCheck"]!.GetValue<bool>(),
            "a hung instance leaves the rotation through its health probe, a dead one at its first refused connection");
    }

    [Fact]
    public void Every_app_port_of_the_run_file_is_distinct()
    {
        RunApps.Select(a => a!["appPort"]!.GetValue<long>()).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Run_file_has_one_gateway_platform()
    {
        RunEntries(AppIds.GatewayPlatform).Should().ContainSingle();
    }

    [Fact]
    public void Tye_and_production_kubernetes_run_as_many_gateway_ai_instances_as_the_run_file()
    {
        var instances = RunEntries(AppIds.GatewayAi).Length;
        var tye = YamlJson.LoadFile(RepoPaths.Combine("tye.yaml")).Single().Node["services"]!.AsArray()
            .Single(s => s!["name"]!.GetValue<string>() == AppIds.GatewayAi)!;
        tye["replicas"]!.GetValue<long>().Should().Be(instances);

        // Production keeps at least as many as run locally (the dev overlay runs one of everything on purpose).
        var prod = DeploymentFiles.Render("prod");
        var deployment = prod.Single(d => d.Kind == "Deployment" && d.Name == AppIds.GatewayAi);
        deployment.Node["spec"]!["replicas"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(instances);
        var autoscaler = prod.Single(d => d.Kind == "HorizontalPodAutoscaler" && d.Name == AppIds.GatewayAi);
        autoscaler.Node["spec"]!["minReplicas"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(instances);
    }
}
