using LocalDapr.Abstractions;
using LocalDapr.Resources;

namespace LocalDapr.Hosting;

/// <summary>Turns sidecar definitions into <see cref="SidecarApp"/>s with the resources in scope for each app-id.</summary>
internal static class SidecarLoader
{
    public static IReadOnlyList<SidecarApp> Load(IReadOnlyList<SidecarDefinition> definitions)
    {
        Validate(definitions);
        var sidecars = new List<SidecarApp>(definitions.Count);
        foreach (var definition in definitions)
        {
            var all = ResourceLoader.LoadDirectories(definition.ResourcesPaths);
            var inScope = new ResourceSet(all.All.Where(r => r.AppliesTo(definition.AppId)).ToArray());
            var configuration = definition.ConfigFilePath is { } configFile ? LoadConfiguration(configFile) : null;
            sidecars.Add(new SidecarApp(definition.AppId, definition.HttpPort, definition.GrpcPort, inScope)
            {
                Configuration = configuration,
                TraceSamplingRate = configuration is null ? 1 : SamplingRate(configuration),
                ApiToken = string.IsNullOrEmpty(definition.ApiToken) ? null : definition.ApiToken,
                AppApiToken = string.IsNullOrEmpty(definition.AppApiToken) ? null : definition.AppApiToken,
                AppProtocol = definition.AppProtocol,
                MaxBodySizeBytes = definition.MaxBodySizeBytes,
            });
        }

        return sidecars;
    }

    /// <summary>daprd reads the first Configuration document of the file and refuses to start without one.</summary>
    private static DaprResource LoadConfiguration(string path)
    {
        if (!File.Exists(path))
        {
            throw new ResourceException($"config file '{path}' does not exist");
        }

        return ResourceLoader.LoadFile(path).FirstOrDefault(r => r.Kind == ResourceKinds.Configuration)
            ?? throw new ResourceException($"{path}: no document of kind Configuration");
    }

    private static double SamplingRate(DaprResource configuration)
    {
        var text = configuration.Spec["tracing"].GetString("samplingRate");
        if (text is null)
        {
            return 1;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
            ? rate
            : throw new ResourceException($"{configuration.SourcePath}: Configuration {configuration.Name}: spec.tracing.samplingRate: '{text}' must be a number between 0 and 1");
    }

    private static void Validate(IReadOnlyList<SidecarDefinition> definitions)
    {
        if (definitions.Count == 0)
        {
            throw new ArgumentException("at least one sidecar is required", nameof(definitions));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var ports = new HashSet<int>();
        foreach (var d in definitions)
        {
            if (string.IsNullOrWhiteSpace(d.AppId))
            {
                throw new ArgumentException("a sidecar has an empty app-id", nameof(definitions));
            }

            if (!ids.Add(d.AppId))
            {
                throw new ArgumentException($"app-id '{d.AppId}' is defined twice", nameof(definitions));
            }

            foreach (var port in new[] { d.HttpPort, d.GrpcPort })
            {
                if (port is <= 0 or > 65535 || !ports.Add(port))
                {
                    throw new ArgumentException($"app-id '{d.AppId}': port {port} is invalid or used twice", nameof(definitions));
                }
            }
        }
    }
}
