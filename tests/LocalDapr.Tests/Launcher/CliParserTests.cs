using LocalDapr.Cli;

namespace LocalDapr.Tests.Launcher;

public sealed class CliParserTests
{
    [Fact]
    public void Run_takes_every_option()
    {
        var command = CliParser.Parse(["run", "-f", "dapr.yaml", "--resources-path", "r1", "--resources-path=r2",
            "--app-port", "router=8081", "--port-offset", "1000", "--admin-port", "4000", "--only", "router,auth", "--ready-timeout", "5",
            "--max-app-connections", "32"]);

        var options = command.Should().BeOfType<RunCliCommand>().Subject.Options;
        options.RunFile.Should().Be("dapr.yaml");
        options.ResourcesPaths.Should().Equal("r1", "r2");
        options.Overrides.AppPorts.Should().Equal(new Dictionary<string, int> { ["router"] = 8081 });
        options.Overrides.PortOffset.Should().Be(1000);
        options.Overrides.Only.Should().Equal("router", "auth");
        options.EffectiveAdminPort.Should().Be(4000);
        options.ReadyTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.MaxConnectionsPerApp.Should().Be(32);
    }

    [Fact]
    public void Connections_per_app_default_to_256_and_must_be_positive()
    {
        ((RunCliCommand)CliParser.Parse(["run", "-f", "."])).Options.MaxConnectionsPerApp.Should().Be(256);
        var zero = () => CliParser.Parse(["run", "-f", ".", "--max-app-connections", "0"]);
        zero.Should().Throw<CliUsageException>().WithMessage("*--max-app-connections*");
    }

    [Fact]
    public void The_default_admin_port_moves_with_the_port_offset()
    {
        var options = ((RunCliCommand)CliParser.Parse(["run", "-f", ".", "--port-offset", "7"])).Options;
        options.EffectiveAdminPort.Should().Be(3497);
    }

    [Fact]
    public void Admin_commands_parse_app_instance_and_port()
    {
        CliParser.Parse(["stop", "echo", "--instance", "7002", "--admin-port", "4001"])
            .Should().Be(new AdminCliCommand("stop", "echo", 7002, 4001));
        CliParser.Parse(["status"]).Should().Be(new AdminCliCommand("status", null, null, 3490));
        CliParser.Parse([]).Should().BeOfType<HelpCliCommand>();
    }

    [Theory]
    [InlineData("run", "missing the run file")]
    [InlineData("run -f a --app-port router", "--app-port 'router': expected <appId>=<port>")]
    [InlineData("run -f a --port-offset x", "--port-offset: 'x' is not a number")]
    [InlineData("run -f a --admin-port 0", "--admin-port: 0 is not a port")]
    [InlineData("run -f a --bogus 1", "unknown option --bogus")]
    [InlineData("run -f a --only", "option --only needs a value")]
    [InlineData("stop", "stop: expected one app-id")]
    [InlineData("status extra", "unexpected argument 'extra'")]
    [InlineData("launch", "unknown command 'launch'")]
    public void Mistakes_get_a_clear_message(string args, string expected) =>
        FluentActions.Invoking(() => CliParser.Parse(args.Split(' ')))
            .Should().Throw<CliUsageException>().Which.Message.Should().Contain(expected);
}
