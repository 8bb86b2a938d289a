using BenchCommon;

namespace Platform.Tests.Resilience;

/// <summary>
/// The fault suite's safety net: when the launcher dies under load (it did at 200 req/s, docs/resilience.md), the apps
/// it started are found by the run's marker in their environment and stopped — those, and no other process.
/// </summary>
public sealed class FaultSuiteCleanupTests
{
    [Fact]
    public async Task Processes_carrying_the_run_marker_are_stopped_and_others_are_left_alone()
    {
        var logs = Directory.CreateTempSubdirectory("fault-suite-cleanup-");
        var marker = Guid.NewGuid().ToString("N");
        await using var marked = ChildProcess.Start("marked", "sleep", ["60"], logs.FullName, logs.FullName, new Dictionary<string, string> { ["FAULT_SUITE_TEST_RUN"] = marker });
        await using var other = ChildProcess.Start("other", "sleep", ["60"], logs.FullName, logs.FullName, new Dictionary<string, string> { ["FAULT_SUITE_TEST_RUN"] = "another-run" });
        try
        {
            await ChildProcess.TerminateMarkedAsync("FAULT_SUITE_TEST_RUN", marker, TimeSpan.FromSeconds(5));

            marked.HasExited.Should().BeTrue("it carries this run's marker");
            other.HasExited.Should().BeFalse("it belongs to another run");
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }
}
