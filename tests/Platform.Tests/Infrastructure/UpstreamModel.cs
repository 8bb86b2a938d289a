using System.Text.Json;

namespace Platform.Tests.Infrastructure;

/// <summary>A model the tests add to the models service's registry through its configuration (env vars).</summary>
/// <param name="Id">The public model id clients use.</param>
/// <param name="Endpoint">An HTTPEndpoint resource name or a base URL.</param>
/// <param name="UpstreamName">The model name the upstream must receive.</param>
/// <param name="FallbackModel">The model to fail over to when this one's upstream is down (none when null).</param>
public sealed record UpstreamModel(string Id, string Endpoint, string UpstreamName, string? FallbackModel = null)
{
    /// <summary><c>Models__Registry__N__...</c> entries, numbered after the registry entries the appsettings already hold.</summary>
    public static Dictionary<string, string> ToEnvironment(IReadOnlyList<UpstreamModel> models)
    {
        var env = new Dictionary<string, string>();
        var first = ConfiguredRegistryCount();
        for (var i = 0; i < models.Count; i++)
        {
            var prefix = $"Models__Registry__{first + i}__";
            env[prefix + "Id"] = models[i].Id;
            env[prefix + "OwnedBy"] = "platform-tests";
            env[prefix + "Backend__Kind"] = "openai";
            env[prefix + "Backend__Endpoint"] = models[i].Endpoint;
            env[prefix + "Backend__UpstreamModel"] = models[i].UpstreamName;
            if (models[i].FallbackModel is { } fallback)
            {
                env[prefix + "FallbackModel"] = fallback;
            }
        }

        return env;
    }

    /// <summary>
    /// Configuration merges by key (an array's keys are its indexes), so an env entry under a key the appsettings
    /// already use would overwrite a default model: number ours after the entries of every appsettings file.
    /// </summary>
    private static int ConfiguredRegistryCount()
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var max = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "services", "Models"), "appsettings*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file), options);
            if (doc.RootElement.TryGetProperty("Models", out var models) && models.TryGetProperty("Registry", out var registry))
            {
                var count = registry.ValueKind switch
                {
                    JsonValueKind.Array => registry.GetArrayLength(),
                    JsonValueKind.Object => registry.EnumerateObject().Count(),
                    _ => 0,
                };
                max = Math.Max(max, count);
            }
        }

        return max;
    }
}
