using System.Collections.Frozen;
using LocalDapr.Abstractions;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Hosting;

/// <summary>All sidecars of one runtime, found by app-id or by the local port a request arrived at.</summary>
internal sealed class SidecarResolver : ISidecarResolver
{
    private readonly FrozenDictionary<int, SidecarApp> _byPort;
    private readonly FrozenDictionary<string, SidecarApp> _byAppId;

    public SidecarResolver(IReadOnlyCollection<SidecarApp> sidecars)
    {
        All = sidecars;
        _byPort = sidecars.SelectMany(s => new[] { KeyValuePair.Create(s.HttpPort, s), KeyValuePair.Create(s.GrpcPort, s) })
            .ToFrozenDictionary();
        _byAppId = sidecars.ToFrozenDictionary(s => s.AppId, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<SidecarApp> All { get; }

    public SidecarApp Resolve(HttpContext context) =>
        _byPort.TryGetValue(context.Connection.LocalPort, out var sidecar)
            ? sidecar
            : throw new InvalidOperationException($"no sidecar listens on port {context.Connection.LocalPort}");

    public SidecarApp? Find(string appId) => _byAppId.GetValueOrDefault(appId);

    /// <summary>Like <see cref="Resolve"/> but without throwing (for requests on extra listeners).</summary>
    public SidecarApp? TryResolve(HttpContext context) => _byPort.GetValueOrDefault(context.Connection.LocalPort);
}
