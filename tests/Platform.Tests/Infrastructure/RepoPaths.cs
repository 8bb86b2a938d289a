namespace Platform.Tests.Infrastructure;

/// <summary>Where the repository and the built launcher are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public const string SolutionFile = "DeepSeek.Dapr.sln";

    public static string Root { get; } = FindRoot();

    public static string LauncherDll => Path.Combine(Root, "tools", "LocalDapr", "bin", "Release", "net10.0", "local-dapr.dll");

    public static string RunFile => Path.Combine(Root, "dapr.yaml");

    public static string LocalComponents => Path.Combine(Root, "components", "local");

    public static string DaprConfig => Path.Combine(Root, "dapr-config");

    public static string Artifacts => Path.Combine(Root, "artifacts");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no {SolutionFile} above {AppContext.BaseDirectory}");
    }
}
