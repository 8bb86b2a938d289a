using System.Diagnostics;

namespace Deployment.Tests.Infrastructure;

/// <summary>The repository's deployment files, and the kustomize overlays rendered.</summary>
public static class DeploymentFiles
{
    public static readonly string[] ResourceFolders = ["components", "dapr-config", "k8s"];

    public static readonly string[] Profiles = ["local", "redis", "kubernetes"];

    public static readonly string[] Overlays = ["dev", "prod"];

    public static IEnumerable<string> YamlFiles(string folder) =>
        Directory.EnumerateFiles(RepoPaths.Combine(folder), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Every Dapr resource document (apiVersion dapr.io/*) in the resource folders.</summary>
    public static IEnumerable<YamlJson.Document> DaprResources() =>
        ResourceFolders.SelectMany(YamlFiles).SelectMany(YamlJson.LoadFile)
            .Where(d => d.ApiVersion?.StartsWith("dapr.io/", StringComparison.Ordinal) == true);

    public static IEnumerable<YamlJson.Document> Profile(string profile) =>
        YamlFiles(Path.Combine("components", profile)).SelectMany(YamlJson.LoadFile).Where(d => d.Kind == "Component");

    private static readonly Dictionary<string, IReadOnlyList<YamlJson.Document>> Rendered = new();

    /// <summary>
    /// Renders an overlay with the kustomize built into kubectl (part of this machine image).
    /// </summary>
    public static IReadOnlyList<YamlJson.Document> Render(string overlay)
    {
        lock (Rendered)
        {
            if (Rendered.TryGetValue(overlay, out var cached))
            {
                return cached;
            }

            var psi = new ProcessStartInfo("kubectl", ["kustomize", RepoPaths.Combine("k8s", "overlays", overlay)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl could not be started");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {overlay} did not finish in a minute");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {overlay} failed: {stderr.Result}");
            }

            var docs = YamlJson.Parse(stdout.Result, $"k8s/overlays/{overlay} (rendered)");
            Rendered[overlay] = docs;
            return docs;
        }
    }
}
