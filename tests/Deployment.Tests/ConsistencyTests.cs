using System.Text.Json.Nodes;
using Deployment.Tests.Infrastructure;

namespace Deployment.Tests;

/// <summary>dapr.yaml, tye.yaml, k8s/ and the code agree on app-ids, ports and component names.</summary>
public sealed class ConsistencyTests
{
    private static readonly JsonObject RunFile = YamlJson.LoadFile(RepoPaths.Combine("dapr.yaml")).Single().Node;
    private static readonly JsonObject TyeFile = YamlJson.LoadFile(RepoPaths.Combine("tye.yaml")).Single().Node;

    private static Dictionary<string, long> RunFilePorts(string field) =>
        RunFile["apps"]!.AsArray().GroupBy(a => a!["appID"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.First()![field]!.GetValue<long>());

    [Fact]
    public void Run_file_declares_every_app_of_the_code()
    {
        RunFilePorts("appPort").Keys.Should().BeEquivalentTo(Topology.AppIds);
    }

    [Fact]
    public void Tye_declares_the_same_apps_and_ports_as_the_run_file()
    {
        var appPorts = RunFilePorts("appPort");
        var tyeServices = TyeFile["services"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["bindings"]![0]!["port"]!.GetValue<long>());
        tyeServices.Should().BeEquivalentTo(appPorts);

        var dapr = TyeFile["extensions"]![0]!["services"]!.AsObject();
        foreach (var (app, httpPort) in RunFilePorts("daprHTTPPort"))
        {
            dapr[app]!["app-id"]!.GetValue<string>().Should().Be(app);
            dapr[app]!["http-port"]!.GetValue<long>().Should().Be(httpPort, $"{app}'s sidecar HTTP port");
        }

        foreach (var (app, grpcPort) in RunFilePorts("daprGRPCPort"))
        {
            dapr[app]!["grpc-port"]!.GetValue<long>().Should().Be(grpcPort, $"{app}'s sidecar gRPC port");
        }
    }

    [Fact]
    public void Kubernetes_deployments_use_the_run_file_app_ids_and_ports()
    {
        var appPorts = RunFilePorts("appPort");
        var deployments = DeploymentFiles.Render("prod").Where(d => d.Kind == "Deployment" && d.Name != "loadbalancer");
        foreach (var d in deployments)
        {
            var template = d.Node["spec"]!["template"]!;
            var appId = template["metadata"]!["annotations"]!["dapr.io/app-id"]!.GetValue<string>();
            var appPort = long.Parse(template["metadata"]!["annotations"]!["dapr.io/app-port"]!.GetValue<string>());
            var containerPort = template["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<long>();
            appPorts.Should().ContainKey(appId);
            appPort.Should().Be(appPorts[appId], $"{appId}'s app port in k8s");
            containerPort.Should().Be(appPorts[appId], $"{appId}'s container port");
        }
    }

    [Fact]
    public void Run_file_paths_exist()
    {
        var common = RunFile["common"]!;
        foreach (var path in common["resourcesPaths"]!.AsArray())
        {
            Directory.Exists(RepoPaths.Combine(path!.GetValue<string>())).Should().BeTrue($"resources path {path} exists");
        }

        File.Exists(RepoPaths.Combine(common["configFilePath"]!.GetValue<string>())).Should().BeTrue();
        foreach (var app in RunFile["apps"]!.AsArray())
        {
            Directory.Exists(RepoPaths.Combine(app!["appDirPath"]!.GetValue<string>())).Should().BeTrue($"{app["appID"]} appDirPath exists");
        }
    }

    [Theory]
    [InlineData("local")]
    [InlineData("redis")]
    [InlineData("kubernetes")]
    public void Every_profile_defines_every_component_the_code_uses_with_the_same_scopes(string profile)
    {
        var components = DeploymentFiles.Profile(profile).ToList();
        components.Select(c => c.Name).Should().BeEquivalentTo(Topology.ComponentNames, $"profile {profile}");

        var local = DeploymentFiles.Profile("local").ToDictionary(c => c.Name!, Scopes);
        foreach (var component in components)
        {
            Scopes(component).Should().NotBeEmpty($"{component} must be scoped to the apps that use it");
            if (component.Name != DeepSeek.Dapr.Contracts.Components.SecretStore)
            {
                Scopes(component).Should().BeEquivalentTo(local[component.Name!], $"{component} is used by the same apps in every profile");
            }

            Scopes(component).Should().OnlyContain(app => Topology.AppIds.Contains(app), $"{component} scopes name real app-ids");
        }
    }

    [Fact]
    public void Kubernetes_profile_takes_every_credential_from_the_secret_store()
    {
        foreach (var component in DeploymentFiles.Profile("kubernetes"))
        {
            foreach (var item in component.Node["spec"]!["metadata"]!.AsArray())
            {
                var name = item!["name"]!.GetValue<string>();
                if (name is "connectionString" or "redisHost" or "redisPassword" or "saslPassword" or "saslUsername" or "brokers" or "vaultToken" or "caPem")
                {
                    item["secretKeyRef"].Should().NotBeNull($"{component} must not hold {name} in plain text");
                    item["value"].Should().BeNull();
                }
            }

            component.Node["auth"]?["secretStore"]?.GetValue<string>().Should().NotBeNull($"{component} resolves secretKeyRef through a store");
        }
    }

    private static string[] Scopes(YamlJson.Document d) =>
        d.Node["scopes"]?.AsArray().Select(s => s!.GetValue<string>()).ToArray() ?? [];
}
