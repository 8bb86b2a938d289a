using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FaultBench;

/// <summary>
/// The timeout dapr-config/resiliency.yaml gives a caller's app target (<c>spec.targets.apps.&lt;id&gt;.timeout</c>, a
/// policy name from <c>spec.policies.timeouts</c> or a Go duration) in the resource scoped to that caller (or to
/// everyone): the bound "no request longer than its timeout" is checked against, read from the file the platform runs
/// with so the check follows the configuration.
/// </summary>
internal static partial class ResiliencyTimeouts
{
    public static TimeSpan? ForApp(string repoRoot, string caller, string appId)
    {
        var file = Path.Combine(repoRoot, "dapr-config", "resiliency.yaml");
        if (!File.Exists(file))
        {
            return null;
        }

        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        foreach (var document in yaml.Documents)
        {
            if (Child(document.RootNode, "scopes") is YamlSequenceNode scopes && !scopes.Children.OfType<YamlScalarNode>().Any(s => s.Value == caller))
            {
                continue;
            }

            var spec = Child(document.RootNode, "spec");
            if (Child(Child(Child(Child(spec, "targets"), "apps"), appId), "timeout") is YamlScalarNode { Value: { } name })
            {
                var policy = Child(Child(Child(spec, "policies"), "timeouts"), name) as YamlScalarNode;
                return ParseDuration(policy?.Value ?? name);
            }
        }

        return null;
    }

    /// <summary>Go's duration syntax as Dapr writes it: <c>300s</c>, <c>100ms</c>, <c>1m30s</c>, <c>2h</c>.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var parts = DurationPart().Matches(text.Trim());
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text.Trim())
        {
            return null;
        }

        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }

        return total;
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex DurationPart();
}
