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
            sidecars.Add(new SidecarApp(definition.AppId, definition.HttpPort, definition.GrpcPort, inScope)
            {
                ApiToken = string.IsNullOrEmpty(definition.ApiToken) ? null : definition.ApiToken,
                AppApiToken = string.IsNullOrEmpty(definition.AppApiToken) ? null : definition.AppApiToken,
                AppProtocol = definition.AppProtocol,
                MaxBodySizeBytes = definition.MaxBodySizeBytes,
            });
        }

        return sidecars;
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
