using LocalDapr.RunFile;

namespace LocalDapr.Tests.RunFile;

public sealed class RunFileParserTests : IDisposable
{
    private readonly RunFileScratch _dir = new();

    public void Dispose() => _dir.Dispose();

    private RunPlan Load(string yaml, IReadOnlyList<string>? resources = null) =>
        RunFileParser.Load(_dir.RunFile(yaml), resources, _dir.Home);

    private string Error(string yaml) =>
        FluentActions.Invoking(() => Load(yaml)).Should().Throw<RunFileException>().Which.Message;

    [Fact]
    public void Reads_the_dapr_cli_keys_and_resolves_app_paths_to_absolute()
    {
        _dir.Dir("svc/a");
        var plan = Load("""
            version: 1
            name: demo
            apps:
              - appID: alpha
                appDirPath: ./svc/a/
                appPort: 5001
                daprHTTPPort: 3501
                daprGRPCPort: 50002
                command: ["dotnet", "run", "--no-build"]
                appProtocol: h2c
                appChannelAddress: 127.0.0.2
                appHealthCheckPath: health
                appHealthProbeInterval: 2
                appHealthProbeTimeout: 300
                appHealthThreshold: 4
                enableAppHealthCheck: true
                maxBodySize: 16Mi
                logLevel: debug
            """);

        plan.Name.Should().Be("demo");
        var app = plan.Apps.Should().ContainSingle().Subject;
        app.AppId.Should().Be("alpha");
        app.AppDirPath.Should().Be(_dir.Path("svc/a"));
        (app.AppPort, app.DaprHttpPort, app.DaprGrpcPort).Should().Be((5001, 3501, 50002));
        app.Command.Should().Equal("dotnet", "run", "--no-build");
        app.AppProtocol.Should().Be("h2c");
        app.AppChannelAddress.Should().Be("127.0.0.2");
        app.AppHealthCheckPath.Should().Be("/health");
        app.AppHealthProbeInterval.Should().Be(TimeSpan.FromSeconds(2));
        app.AppHealthProbeTimeout.Should().Be(TimeSpan.FromMilliseconds(300));
        app.AppHealthThreshold.Should().Be(4);
        app.EnableAppHealthCheck.Should().BeTrue();
        app.MaxBodySizeBytes.Should().Be(16L * 1024 * 1024);
        app.LogLevel.Should().Be("debug");
    }

    [Fact]
    public void Enabled_health_checks_probe_every_second_and_drop_after_two_failures_unless_set()
    {
        _dir.Dir("a");
        var plan = Load("""
            version: 1
            common:
              enableAppHealthCheck: true
            apps:
              - appID: fast
                appDirPath: ./a
              - appID: explicit
                appDirPath: ./a
                appHealthProbeInterval: 3
                appHealthThreshold: 5
              - appID: plain
                appDirPath: ./a
                enableAppHealthCheck: false
            """);

        var fast = plan.Apps.Single(a => a.AppId == "fast");
        (fast.AppHealthProbeInterval, fast.AppHealthProbeTimeout, fast.AppHealthThreshold).Should().Be((TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 2));
        var explicitly = plan.Apps.Single(a => a.AppId == "explicit");
        (explicitly.AppHealthProbeInterval, explicitly.AppHealthThreshold).Should().Be((TimeSpan.FromSeconds(3), 5));
        var plain = plan.Apps.Single(a => a.AppId == "plain");
        (plain.EnableAppHealthCheck, plain.AppHealthProbeInterval, plain.AppHealthThreshold).Should().Be((true, TimeSpan.FromSeconds(1), 2), "common's true wins over an entry's false, as the Dapr CLI merges booleans");
    }

    [Fact]
    public void A_directory_means_its_dapr_yaml_and_appID_defaults_to_the_base_name_of_appDirPath()
    {
        _dir.Dir("services/order-processor");
        _dir.RunFile("""
            version: 1
            apps:
              - appDirPath: ./services/order-processor/
                command: ["run"]
            """);

        var plan = RunFileParser.Load(_dir.Root, homeDirectory: _dir.Home);

        plan.RunFilePath.Should().Be(_dir.Path("dapr.yaml"));
        plan.Apps.Single().AppId.Should().Be("order-processor");
        plan.Apps.Single().AppProtocol.Should().Be("http");
        plan.Apps.Single().AppHealthCheckPath.Should().Be("/healthz");
        plan.Apps.Single().MaxBodySizeBytes.Should().Be(4L * 1024 * 1024);
    }

    [Fact]
    public void Resources_follow_app_then_dot_dapr_then_common_then_home()
    {
        _dir.Dir("common-res");
        _dir.Dir("a/own-res");
        _dir.Dir("b/.dapr/resources");
        _dir.Dir("c");
        var plan = Load("""
            version: 1
            common:
              resourcesPaths: [./common-res]
            apps:
              - appDirPath: ./a
                resourcesPaths: [./own-res]
                command: ["x"]
              - appDirPath: ./b
                command: ["x"]
              - appDirPath: ./c
                command: ["x"]
            """);

        plan.Apps.Select(a => a.ResourcesPaths.Single()).Should().Equal(
            _dir.Path("a/own-res"), _dir.Path("b/.dapr/resources"), _dir.Path("common-res"));
    }

    [Fact]
    public void Without_any_resources_path_the_home_dapr_components_folder_is_used_when_it_exists()
    {
        _dir.Dir("a");
        const string yaml = """
            version: 1
            apps:
              - appDirPath: ./a
                command: ["x"]
            """;
        Load(yaml).Apps.Single().ResourcesPaths.Should().BeEmpty();

        var homeComponents = _dir.Dir("home/.dapr/components");
        Load(yaml).Apps.Single().ResourcesPaths.Should().Equal(homeComponents);
    }

    [Fact]
    public void Config_file_follows_app_then_dot_dapr_then_common_then_home()
    {
        _dir.File("common.yaml");
        _dir.File("a/own.yaml");
        _dir.File("b/.dapr/config.yaml");
        _dir.Dir("c");
        var plan = Load("""
            version: 1
            common:
              configFilePath: ./common.yaml
            apps:
              - appDirPath: ./a
                configFilePath: own.yaml
                command: ["x"]
              - appDirPath: ./b
                command: ["x"]
              - appDirPath: ./c
                command: ["x"]
            """);

        plan.Apps.Select(a => a.ConfigFilePath).Should().Equal(
            _dir.Path("a/own.yaml"), _dir.Path("b/.dapr/config.yaml"), _dir.Path("common.yaml"));

        var home = _dir.File("home/.dapr/config.yaml");
        Load("""
            version: 1
            apps:
              - appDirPath: ./c
                command: ["x"]
            """).Apps.Single().ConfigFilePath.Should().Be(home);
    }

    [Fact]
    public void Env_merges_with_app_keys_winning_and_zero_valued_app_fields_take_common()
    {
        _dir.Dir("a");
        _dir.Dir("b");
        var plan = Load("""
            version: 1
            common:
              appProtocol: grpc
              appHealthCheckPath: /ready
              maxBodySize: 1Mi
              env:
                SHARED: common
                OVERRIDDEN: common
            apps:
              - appDirPath: ./a
                command: ["x"]
                env:
                  OVERRIDDEN: app
                  OWN: "42"
              - appDirPath: ./b
                command: ["x"]
                appProtocol: http
            """);

        var a = plan.Apps[0];
        a.Env.Should().Equal(new Dictionary<string, string> { ["SHARED"] = "common", ["OVERRIDDEN"] = "app", ["OWN"] = "42" });
        (a.AppProtocol, a.AppHealthCheckPath, a.MaxBodySizeBytes).Should().Be(("grpc", "/ready", 1024L * 1024));
        plan.Apps[1].AppProtocol.Should().Be("http");
        plan.Apps[1].Env.Should().ContainKey("SHARED");
    }

    [Fact]
    public void The_deprecated_resourcesPath_is_appended_to_resourcesPaths()
    {
        _dir.Dir("one");
        _dir.Dir("two");
        _dir.Dir("a");
        var plan = Load("""
            version: 1
            common:
              resourcesPaths: [./one]
              resourcesPath: ./two
            apps:
              - appDirPath: ./a
                command: ["x"]
            """);

        plan.Apps.Single().ResourcesPaths.Should().Equal(_dir.Path("one"), _dir.Path("two"));
    }

    [Fact]
    public void The_resources_path_option_replaces_common_resourcesPaths_but_not_an_apps_own()
    {
        _dir.Dir("common-res");
        var redis = _dir.Dir("redis-res");
        _dir.Dir("a/own");
        _dir.Dir("b");
        var plan = Load("""
            version: 1
            common:
              resourcesPaths: [./common-res]
            apps:
              - appDirPath: ./a
                resourcesPaths: [own]
                command: ["x"]
              - appDirPath: ./b
                command: ["x"]
            """, [redis]);

        plan.Apps[0].ResourcesPaths.Should().Equal(_dir.Path("a/own"));
        plan.Apps[1].ResourcesPaths.Should().Equal(redis);
    }

    [Fact]
    public void Entries_with_the_same_appID_are_replicas_sharing_the_first_entrys_sidecar_ports()
    {
        _dir.Dir("echo");
        var plan = Load("""
            version: 1
            apps:
              - appID: echo
                appDirPath: ./echo
                appPort: 7001
                daprHTTPPort: 3601
                daprGRPCPort: 50601
                command: ["x"]
              - appID: echo
                appDirPath: ./echo
                appPort: 7002
                command: ["x"]
            """);

        plan.AppIds.Should().Equal("echo");
        plan.ReplicasOf("echo").Select(a => (a.AppPort, a.DaprHttpPort, a.DaprGrpcPort, a.ReplicaIndex, a.DisplayName))
            .Should().Equal((7001, 3601, 50601, 0, "echo"), (7002, 3601, 50601, 1, "echo#2"));
    }

    [Fact]
    public void A_replica_naming_other_sidecar_ports_is_an_error()
    {
        _dir.Dir("echo");
        Error("""
            version: 1
            apps:
              - appID: echo
                appDirPath: ./echo
                appPort: 7001
                daprHTTPPort: 3601
                command: ["x"]
              - appID: echo
                appDirPath: ./echo
                appPort: 7002
                daprHTTPPort: 3602
                command: ["x"]
            """).Should().Contain("dapr.yaml:8").And.Contain("apps[1] (echo)").And.Contain("3601");
    }

    [Fact]
    public void Unknown_keys_are_ignored_with_a_warning_naming_the_line()
    {
        _dir.Dir("a");
        var plan = Load("""
            version: 1
            apps:
              - appDirPath: ./a
                command: ["x"]
                appPorts: 5000
            """);

        plan.Warnings.Should().ContainSingle().Which.Should().Contain("dapr.yaml:5").And.Contain("apps[0].appPorts");
    }

    [Theory]
    [InlineData("apps: []", "required field 'version'")]
    [InlineData("version: 0\napps: []", "required field 'version'")]
    [InlineData("version: 1", "'apps' is empty")]
    [InlineData("version: one", "dapr.yaml:1:10: version: expected an integer, got 'one'")]
    [InlineData("version: 1\napps:\n  - appID: a\n    command: [\"x\"]", "dapr.yaml:3: apps[0]: required field 'appDirPath' not found")]
    [InlineData("version: 1\napps:\n  - appDirPath: ./missing\n    command: [\"x\"]", "apps[0].appDirPath: directory")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    appPort: abc\n    command: [\"x\"]", "dapr.yaml:4:14: apps[0].appPort: expected an integer, got 'abc'")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    appPort: 70000\n    command: [\"x\"]", "apps[0].appPort: port 70000 is out of range")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: dotnet run", "apps[0].command: expected a list")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"\"]", "apps[0].command: the program name (first item) is empty")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"x\"]\n    resourcesPaths: [./nope]", "apps[0].resourcesPaths: directory")]
    [InlineData("version: 1\ncommon:\n  configFilePath: ./nope.yaml\napps:\n  - appDirPath: .\n    command: [\"x\"]", "common.configFilePath: file")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"x\"]\n    appProtocol: tcp", "apps[0].appProtocol: 'tcp' is not one of")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"x\"]\n    maxBodySize: lots", "apps[0].maxBodySize: 'lots'")]
    [InlineData("version: 1\napps:\n  - appDirPath: [\n", "invalid YAML")]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"x\"]\n    enableAppHealthCheck: maybe", "apps[0].enableAppHealthCheck: expected true or false")]
    public void Mistakes_are_reported_with_file_line_and_field(string yaml, string expected) =>
        Error(yaml).Should().Contain(expected);

    [Fact]
    public void An_entry_without_command_serves_only_the_sidecar()
    {
        Load("version: 1\napps:\n  - appDirPath: .\n    appPort: 6000\n").Apps.Single().Command.Should().BeEmpty();
    }

    [Fact]
    public void A_missing_run_file_is_named()
    {
        var missing = _dir.Path("nope/dapr.yaml");
        FluentActions.Invoking(() => RunFileParser.Load(missing)).Should().Throw<RunFileException>()
            .WithMessage($"*{missing}*does not exist*");
    }

    [Fact]
    public void The_repositorys_own_dapr_yaml_parses_with_one_sidecar_per_app_and_the_shared_resources()
    {
        var root = Launcher.LauncherProcess.RepoRoot;

        var plan = RunFileParser.Load(root, homeDirectory: _dir.Home);

        plan.Warnings.Should().BeEmpty();
        plan.AppIds.Should().Contain(["router", "gateway-ai", "gateway-platform", "auth", "users", "chat", "models", "inference", "training", "monitoring"]);
        plan.Apps.Should().OnlyContain(a => a.Command[0] == "dotnet" && a.AppPort > 0 && a.DaprHttpPort > 0 && a.DaprGrpcPort > 0);
        plan.ReplicasOf("gateway-ai").Select(a => a.ReplicaIndex).Should().Equal(0, 1);
        plan.Apps.Where(a => a.AppId != "gateway-ai").Should().OnlyContain(a => a.ReplicaIndex == 0);
        plan.Apps.Should().OnlyContain(a => a.ResourcesPaths.Contains(System.IO.Path.Combine(root, "components", "local")));
        plan.Apps.Should().OnlyContain(a => a.ConfigFilePath!.StartsWith(System.IO.Path.Combine(root, "dapr-config"), StringComparison.Ordinal) && File.Exists(a.ConfigFilePath));
        FluentActions.Invoking(() => new RunOverrides().Apply(plan, 3490)).Should().NotThrow("the ports in dapr.yaml must be distinct");
    }

    [Theory]
    [InlineData("4Mi", 4L * 1024 * 1024)]
    [InlineData("512Ki", 512L * 1024)]
    [InlineData("2k", 2000L)]
    [InlineData("1G", 1000_000_000L)]
    [InlineData("1024", 1024L)]
    [InlineData("0.5Mi", 512L * 1024)]
    public void Byte_sizes_parse_as_kubernetes_quantities(string text, long bytes)
    {
        ByteSize.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Mi")]
    [InlineData("-1")]
    [InlineData("4MB")]
    public void Bad_byte_sizes_are_rejected(string text) => ByteSize.TryParse(text, out _).Should().BeFalse();
}
