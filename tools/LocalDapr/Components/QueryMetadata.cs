using Microsoft.AspNetCore.Http;

namespace LocalDapr.Components;

/// <summary>daprd passes request metadata over HTTP as <c>?metadata.{key}=value</c> query parameters.</summary>
public static class QueryMetadata
{
    private const string Prefix = "metadata.";

    public static Dictionary<string, string> From(IQueryCollection query) =>
        query.Where(q => q.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && q.Key.Length > Prefix.Length)
            .ToDictionary(q => q.Key[Prefix.Length..], q => q.Value.ToString(), StringComparer.Ordinal);
}
