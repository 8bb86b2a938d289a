using System.Runtime.CompilerServices;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.Extensions.Configuration;

namespace Services.Tests.Models;

internal static class ModelsTestSupport
{
    /// <summary>services/Models in the source tree, found from this file's path (works from any output folder).</summary>
    public static string ServiceDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "services", "Models"));

    /// <summary>The shipped appsettings.json plus extra keys, as environment variables would add them.</summary>
    public static IConfiguration Configuration(IDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(ServiceDirectory(), "appsettings.json"))
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();

    public static ModelDescriptor Upstream(string id, params string[] aliases) => new()
    {
        Id = id,
        Aliases = aliases,
        ContextWindow = 8192,
        MaxOutputTokens = 2048,
        Backend = new ModelBackend { Kind = BackendKinds.OpenAi, Endpoint = "http://127.0.0.1:8000", UpstreamModel = "qwen2.5" },
    };
}
