using System.Collections;
using LocalDapr.Abstractions;
using LocalDapr.Components;

namespace LocalDapr.Secrets;

/// <summary>
/// <c>secretstores.local.env</c>: the runtime's environment variables. With <c>prefix</c>, only variables that
/// start with it are visible, under their name without the prefix. Read live, so a changed variable is seen.
/// </summary>
public sealed class LocalEnvSecretStore(string name, string? prefix) : ISecretStore
{
    public string Name { get; } = name;

    public static LocalEnvSecretStore Create(ComponentMetadata metadata) => new(metadata.Component.Name, metadata.Get("prefix"));

    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var value = Environment.GetEnvironmentVariable((prefix ?? string.Empty) + key);
        IReadOnlyDictionary<string, string>? result = value is null ? null : new Dictionary<string, string> { [key] = value };
        return Task.FromResult(result);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var variable = (string)entry.Key;
            if (prefix is not null && !variable.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = prefix is null ? variable : variable[prefix.Length..];
            if (key.Length > 0)
            {
                result[key] = new Dictionary<string, string> { [key] = (string?)entry.Value ?? string.Empty };
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(result);
    }
}
