using System.Collections.Frozen;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LocalDapr.Invocation;

/// <summary>Which headers cross the sidecar and how (hop-by-hop headers never do; tokens and trace headers are rewritten).</summary>
internal static class HeaderRules
{
    private static readonly FrozenSet<string> NotForwardedToTarget = new[]
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.ProxyAuthorization, HeaderNames.TE,
        HeaderNames.Trailer, HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.Host, HeaderNames.Expect,
        DaprHeaders.ApiToken, DaprHeaders.AppId, DaprHeaders.TraceParent, DaprHeaders.TraceState,
        DaprHeaders.CallerAppId, DaprHeaders.CalleeAppId,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> NotReturnedToCaller = new[]
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TE, HeaderNames.Trailer,
        HeaderNames.TransferEncoding, HeaderNames.Upgrade,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static void CopyRequestHeaders(IHeaderDictionary from, HttpRequestMessage to)
    {
        foreach (var (name, values) in from)
        {
            if (NotForwardedToTarget.Contains(name))
            {
                continue;
            }

            var added = values.Count == 1
                ? to.Headers.TryAddWithoutValidation(name, values[0])
                : to.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            if (!added && to.Content is not null)
            {
                if (values.Count == 1)
                {
                    to.Content.Headers.TryAddWithoutValidation(name, values[0]);
                }
                else
                {
                    to.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
                }
            }
        }
    }

    public static void CopyResponseHeaders(HttpResponseMessage from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (!NotReturnedToCaller.Contains(name))
            {
                to[name] = values.Count == 1 ? values.ToString() : values.ToArray();
            }
        }

        foreach (var (name, values) in from.Content.Headers.NonValidated)
        {
            to[name] = values.Count == 1 ? values.ToString() : values.ToArray();
        }
    }
}
