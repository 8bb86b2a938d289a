using System.Collections.Frozen;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Resources;

namespace LocalDapr.Invocation;

/// <summary>One header of an HTTPEndpoint: a literal value, a secret (<c>secretKeyRef</c>) or an environment variable.</summary>
internal sealed record EndpointHeader(string Name, string? Value, string? SecretName, string? SecretKey, string? EnvVar);

internal sealed record HttpEndpointSpec(string Name, string BaseUrl, IReadOnlyList<EndpointHeader> Headers, string? SecretStore, string SourcePath);

/// <summary>The HTTPEndpoint resources in scope for each sidecar, validated at start-up (errors name the file).</summary>
internal sealed class HttpEndpointCatalog
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, HttpEndpointSpec>> _bySidecar;

    public HttpEndpointCatalog(ISidecarResolver sidecars) =>
        _bySidecar = sidecars.All.ToFrozenDictionary(
            s => s.AppId,
            s => s.Resources.HttpEndpoints.Select(Parse).GroupBy(e => e.Name, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal),
            StringComparer.Ordinal);

    public HttpEndpointSpec? Find(string callerAppId, string name) =>
        _bySidecar.TryGetValue(callerAppId, out var endpoints) ? endpoints.GetValueOrDefault(name) : null;

    private static HttpEndpointSpec Parse(DaprResource resource)
    {
        var baseUrl = resource.Spec.GetString("baseUrl")
            ?? throw Error(resource, "spec.baseUrl", "is required");
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Error(resource, "spec.baseUrl", $"'{baseUrl}' must be an absolute http(s) URL");
        }

        var headers = new List<EndpointHeader>();
        var index = 0;
        foreach (var node in resource.Spec["headers"] as JsonArray ?? [])
        {
            var field = $"spec.headers[{index++}]";
            var name = node.GetString("name") ?? throw Error(resource, field + ".name", "is required");
            var secretRef = node?["secretKeyRef"];
            var header = new EndpointHeader(
                name,
                node?["value"] is JsonValue v ? v.ToString() : null,
                secretRef.GetString("name"),
                secretRef.GetString("key") ?? secretRef.GetString("name"),
                node.GetString("envRef"));
            if (header.Value is null && header.SecretName is null && header.EnvVar is null)
            {
                throw Error(resource, field, $"header '{name}' needs value, secretKeyRef or envRef");
            }

            if (header.SecretName is not null && resource.AuthSecretStore is null)
            {
                throw Error(resource, field + ".secretKeyRef", "needs auth.secretStore to name the secret store");
            }

            headers.Add(header);
        }

        return new HttpEndpointSpec(resource.Name, baseUrl.TrimEnd('/'), headers, resource.AuthSecretStore, resource.SourcePath);
    }

    private static ResourceException Error(DaprResource resource, string field, string message) =>
        new($"{resource.SourcePath}: HTTPEndpoint {resource.Name}: {field}: {message}");
}
