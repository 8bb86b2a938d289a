using System.Text.RegularExpressions;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// A private copy of the local profile's components for one test run: the SQLite files go to a temp folder (a run
/// starts clean and never touches a developer's <c>.data/</c>), other relative paths are made absolute, and an
/// <c>HTTPEndpoint</c> resource points at the fake upstream. Passed to the launcher as <c>--resources-path</c>.
/// </summary>
public sealed partial class TestResources : IDisposable
{
    public const string FakeEndpointName = "fake-upstream-openai";

    private TestResources(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string ComponentsPath => Path.Combine(Root, "components");

    public string DataPath => Path.Combine(Root, "data");

    public static TestResources Create(string fakeUpstreamBaseUrl)
    {
        var resources = new TestResources(Directory.CreateTempSubdirectory("deepseek-dapr-platform-tests-").FullName);
        Directory.CreateDirectory(resources.ComponentsPath);
        Directory.CreateDirectory(resources.DataPath);

        foreach (var file in Directory.EnumerateFiles(RepoPaths.LocalComponents).Where(IsYaml))
        {
            var yaml = RelativeValue().Replace(File.ReadAllText(file), m => m.Groups[1].Value + resources.Absolute(m.Groups[2].Value));
            File.WriteAllText(Path.Combine(resources.ComponentsPath, Path.GetFileName(file)), yaml);
        }

        File.WriteAllText(Path.Combine(resources.ComponentsPath, "fake-upstream-endpoint.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: {FakeEndpointName}
            spec:
              baseUrl: {fakeUpstreamBaseUrl}
            scopes:
              - inference
            """);
        return resources;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A store still closing its file: the OS temp cleaner gets the folder later; the run's result stands.
        }
    }

    private static bool IsYaml(string path) => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);

    /// <summary>.data/x goes to this run's data folder; ./x is resolved against the repo (the launcher's working dir).</summary>
    private string Absolute(string relative) =>
        relative.StartsWith(".data/", StringComparison.Ordinal)
            ? Path.Combine(DataPath, relative[".data/".Length..])
            : Path.GetFullPath(Path.Combine(RepoPaths.Root, relative));

    [GeneratedRegex(@"(value:\s*[""']?)(\.data/[^""'\s]*|\./[^""'\s]*)")]
    private static partial Regex RelativeValue();
}
