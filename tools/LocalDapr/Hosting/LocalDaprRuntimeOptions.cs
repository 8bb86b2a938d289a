using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Hosting;

/// <summary>How the host process embeds the runtime (launcher, tests, benchmark).</summary>
public sealed class LocalDaprRuntimeOptions
{
    /// <summary>Replaces the default logging (simple console, Warning and above).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Extra registrations, applied after the runtime's own (so they can replace them).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Extra endpoints on the sidecar ports (e.g. the launcher's admin API).</summary>
    public Action<IEndpointRouteBuilder>? MapEndpoints { get; init; }

    /// <summary>How long a graceful stop may wait for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open connections to one app instance (or HTTP endpoint) at most; further requests wait for a free one until
    /// their caller's timeout. Bounds the runtime's sockets when an app answers slower than it is called.
    /// </summary>
    public int MaxConnectionsPerApp { get; init; } = DefaultMaxConnectionsPerApp;

    public const int DefaultMaxConnectionsPerApp = 256;
}
