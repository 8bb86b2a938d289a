using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Tests.Infrastructure;

namespace Platform.Tests;

/// <summary>
/// The README's curl examples, run as printed (through bash, with <c>DEEPSEEK_API_KEY</c> set as the README tells
/// the reader to) against the test platform: only the port is changed to the test one.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class ReadmeExampleTests(PlatformFixture platform)
{
    private const string PrintedAddress = "http://127.0.0.1:8080/";

    public static TheoryData<int> ExampleIndexes => [.. Enumerable.Range(0, ReadExamples().Count)];

    [Fact]
    public void The_readme_has_a_complete_and_a_streamed_curl_example()
    {
        var examples = ReadExamples();

        examples.Should().HaveCountGreaterThanOrEqualTo(2);
        examples.Should().OnlyContain(e => e.Contains("curl", StringComparison.Ordinal) && e.Contains(PrintedAddress, StringComparison.Ordinal));
        examples.Should().Contain(e => e.Contains("\"stream\": true", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExampleIndexes))]
    public async Task A_readme_curl_example_works_as_printed(int index)
    {
        var command = ReadExamples()[index].Replace(PrintedAddress, platform.RouterUrl + "/", StringComparison.Ordinal);

        var (exitCode, stdout, stderr) = await RunBashAsync(command);

        exitCode.Should().Be(0, "curl succeeds; stderr: {0}", stderr);
        if (command.Contains("\"stream\": true", StringComparison.Ordinal))
        {
            stdout.Should().Contain("data: {").And.Contain("chat.completion.chunk");
            stdout.TrimEnd().Should().EndWith("data: [DONE]");
        }
        else
        {
            var completion = JsonNode.Parse(stdout)!;
            completion["object"]!.GetValue<string>().Should().Be("chat.completion", "the reply was: {0}", stdout);
            ApiAssertions.Content(completion).Should().NotBeNullOrWhiteSpace();
        }
    }

    /// <summary>Each ```bash block that follows a readme-example marker.</summary>
    private static IReadOnlyList<string> ReadExamples()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        return MarkedBashBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBashAsync(string command)
    {
        var info = new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.Environment["DEEPSEEK_API_KEY"] = PlatformFixture.ApiKey;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"<!-- readme-example[^\n]*-->\s*```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBashBlock();
}
