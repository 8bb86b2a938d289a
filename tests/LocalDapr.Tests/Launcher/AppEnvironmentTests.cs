using System.Collections;
using LocalDapr.Launcher;
using LocalDapr.RunFile;

namespace LocalDapr.Tests.Launcher;

public sealed class AppEnvironmentTests
{
    private static AppSpec App(Dictionary<string, string> env, int appPort = 5001, string? channel = null) => new()
    {
        AppId = "orders",
        AppDirPath = "/tmp",
        AppPort = appPort,
        DaprHttpPort = 3501,
        DaprGrpcPort = 50001,
        Command = ["x"],
        Env = env,
        ResourcesPaths = [],
        AppProtocol = "http",
        AppChannelAddress = channel,
    };

    [Fact]
    public void Apps_get_the_dapr_cli_variables_on_top_of_the_inherited_environment_and_the_run_file_env_wins()
    {
        var inherited = new Hashtable { ["PATH"] = "/bin", ["APP_ID"] = "stale", ["DAPR_HTTP_ENDPOINT"] = "http://elsewhere:1" };

        var env = AppEnvironment.Build(App(new() { ["DAPR_API_TOKEN"] = "t", ["APP_PROTOCOL"] = "h2c" }, channel: "127.0.0.9"), inherited);

        env.Should().Contain(new Dictionary<string, string>
        {
            ["PATH"] = "/bin",
            ["APP_ID"] = "orders",
            ["APP_PORT"] = "5001",
            ["APP_CHANNEL_ADDRESS"] = "127.0.0.9",
            ["DAPR_HTTP_PORT"] = "3501",
            ["DAPR_GRPC_PORT"] = "50001",
            ["APP_PROTOCOL"] = "h2c",
            ["DAPR_API_TOKEN"] = "t",
        });
        env.Should().NotContainKey("DAPR_HTTP_ENDPOINT");
    }

    [Fact]
    public void An_app_without_a_port_gets_no_APP_PORT()
    {
        AppEnvironment.Build(App([], appPort: 0), new Hashtable()).Should().NotContainKey("APP_PORT").And.NotContainKey("APP_CHANNEL_ADDRESS");
    }

    [Fact]
    public void Tokens_come_from_the_run_file_env()
    {
        var app = App(new() { ["DAPR_API_TOKEN"] = "secret", ["APP_API_TOKEN"] = string.Empty });
        AppEnvironment.Token(app, "DAPR_API_TOKEN").Should().Be("secret");
        AppEnvironment.Token(app, "APP_API_TOKEN").Should().BeNull();
    }
}
