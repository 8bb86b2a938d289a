using LocalDapr.RunFile;

namespace LocalDapr.Tests.RunFile;

public sealed class RunOverridesTests : IDisposable
{
    private readonly RunFileScratch _dir = new();

    public RunOverridesTests()
    {
        _dir.Dir("a");
        _dir.Dir("b");
    }

    public void Dispose() => _dir.Dispose();

    private RunPlan Plan(string apps = """
          - appID: a
            appDirPath: ./a
            appPort: 5001
            daprHTTPPort: 3501
            daprGRPCPort: 50001
            command: ["x"]
          - appID: b
            appDirPath: ./b
            appPort: 5002
            daprHTTPPort: 3502
            command: ["x"]
        """) => RunFileParser.Load(_dir.RunFile("version: 1\napps:\n" + apps), homeDirectory: _dir.Home);

    [Fact]
    public void Port_offset_shifts_every_non_zero_port_and_app_port_is_absolute()
    {
        var plan = new RunOverrides { PortOffset = 100, AppPorts = new Dictionary<string, int> { ["a"] = 9000 } }.Apply(Plan(), 3490);

        plan.Apps.Select(a => (a.AppId, a.AppPort, a.DaprHttpPort, a.DaprGrpcPort))
            .Should().Equal(("a", 9000, 3601, 50101), ("b", 5102, 3602, 0));
    }

    [Fact]
    public void Only_keeps_the_named_app_ids()
    {
        new RunOverrides { Only = ["b"] }.Apply(Plan(), 3490).Apps.Select(a => a.AppId).Should().Equal("b");
    }

    [Theory]
    [InlineData("nope", null)]
    [InlineData(null, "nope")]
    public void Unknown_app_ids_are_errors(string? only, string? appPort)
    {
        var overrides = new RunOverrides
        {
            Only = only is null ? [] : [only],
            AppPorts = appPort is null ? new Dictionary<string, int>() : new Dictionary<string, int> { [appPort] = 1 },
        };

        FluentActions.Invoking(() => overrides.Apply(Plan(), 3490)).Should().Throw<RunFileException>()
            .WithMessage("unknown app-id 'nope'; the run file has: a, b");
    }

    [Fact]
    public void A_port_used_twice_is_an_error_naming_both_users()
    {
        var plan = Plan("""
              - appID: a
                appDirPath: ./a
                appPort: 5001
                daprHTTPPort: 3501
                command: ["x"]
              - appID: b
                appDirPath: ./b
                appPort: 3501
                command: ["x"]
            """);

        FluentActions.Invoking(() => new RunOverrides().Apply(plan, 3490)).Should().Throw<RunFileException>()
            .WithMessage("*port 3501 is used twice: by daprHTTPPort of a and by appPort of b*");
        FluentActions.Invoking(() => new RunOverrides().Apply(Plan(), 5002)).Should().Throw<RunFileException>()
            .WithMessage("*port 5002 is used twice: by the admin endpoint (--admin-port) and by appPort of b*");
    }

    [Fact]
    public void An_offset_that_leaves_the_port_range_is_an_error()
    {
        FluentActions.Invoking(() => new RunOverrides { PortOffset = 65000 }.Apply(Plan(), 3490)).Should().Throw<RunFileException>()
            .WithMessage("*--port-offset 65000*");
    }
}
