using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace DeepSeek.Dapr.ServiceDefaults.ApiKeys;

/// <summary>Reads <c>Authorization: Bearer &lt;key&gt;</c>, telling "no header" apart from "not a bearer token".</summary>
public static class BearerToken
{
    public static BearerReadResult Read(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return new BearerReadResult(null, "missing");
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return new BearerReadResult(null, "malformed");
        }

        var key = header[scheme.Length..].Trim();
        return key.Length == 0 || key.Contains(' ') ? new BearerReadResult(null, "malformed") : new BearerReadResult(key, null);
    }
}

/// <summary>The key, or why there is none (<c>missing</c> / <c>malformed</c>, the same reasons auth uses).</summary>
public sealed record BearerReadResult(string? Key, string? FailureReason);
