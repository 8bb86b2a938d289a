using System.Globalization;
using LocalDapr.Resources;

namespace LocalDapr.Components;

/// <summary>
/// The resolved <c>spec.metadata</c> of one component (secretKeyRef and envRef already looked up). Names are
/// case-insensitive as in daprd. Every accessor that fails names the resource file, the component and the field,
/// because these errors stop start-up and the user must find the line to fix.
/// </summary>
public sealed class ComponentMetadata(DaprResource component, IReadOnlyDictionary<string, string> values)
{
    private readonly Dictionary<string, string> _values = new(values, StringComparer.OrdinalIgnoreCase);

    public DaprResource Component { get; } = component;

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string field) => _values.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

    public string Required(string field) =>
        Get(field) ?? throw Error($"required metadata field '{field}' is missing");

    public bool GetBool(string field, bool defaultValue = false)
    {
        var raw = Get(field);
        if (raw is null)
        {
            return defaultValue;
        }

        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "y" or "on" => true,
            "false" or "0" or "no" or "n" or "off" => false,
            _ => throw Error($"metadata field '{field}' must be a boolean, got '{raw}'"),
        };
    }

    public int GetInt(string field, int defaultValue)
    {
        var raw = Get(field);
        if (raw is null)
        {
            return defaultValue;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"metadata field '{field}' must be an integer, got '{raw}'");
    }

    /// <summary>Go-style durations ("5s", "1m30s", "250ms") or plain seconds, as daprd accepts them.</summary>
    public TimeSpan GetDuration(string field, TimeSpan defaultValue)
    {
        var raw = Get(field);
        if (raw is null)
        {
            return defaultValue;
        }

        return GoDurations.TryParse(raw, out var value)
            ? value
            : throw Error($"metadata field '{field}' must be a duration such as '5s', got '{raw}'");
    }

    public ResourceException Error(string problem) =>
        new($"{Component.SourcePath}: component '{Component.Name}' ({Component.Spec.GetString("type")}): {problem}");
}
