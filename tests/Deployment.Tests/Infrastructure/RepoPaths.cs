namespace Deployment.Tests.Infrastructure;

/// <summary>Locates the repository root (the folder holding DeepSeek.Dapr.sln) and the shared CRD schemas beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Dapr's CRD schemas are read from <c>../shared/dapr-crds</c> (never copied into the repo);
    /// <c>DAPR_CRDS_DIR</c> overrides the location.
    /// </summary>
    public static string CrdDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("DAPR_CRDS_DIR") is { Length: > 0 } env
                ? env
                : Path.GetFullPath(Path.Combine(Root, "..", "shared", "dapr-crds"));
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException(
                    $"Dapr CRD schemas not found at '{dir}'. They live in shared/dapr-crds beside the repository; set DAPR_CRDS_DIR to point elsewhere.");
            }

            return dir;
        }
    }

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeek.Dapr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DeepSeek.Dapr.sln not found above " + AppContext.BaseDirectory);
    }
}
