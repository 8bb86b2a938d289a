using System.Net;
using LocalDapr.Abstractions;
using LocalDapr.Actors;
using LocalDapr.Components;
using LocalDapr.Invocation;
using LocalDapr.PubSub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Hosting;

/// <summary>
/// One process serving the sidecars of many app-ids: a single Kestrel host listening on every sidecar's HTTP
/// (HTTP/1.1) and gRPC (HTTP/2 only, h2c) port on 127.0.0.1, with each request routed to its sidecar by local port.
/// </summary>
public sealed class LocalDaprRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private LocalDaprRuntime(WebApplication app, IReadOnlyCollection<SidecarApp> sidecars)
    {
        _app = app;
        Sidecars = sidecars;
    }

    /// <summary>The runtime's container (components, pub/sub, resiliency, channel…).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Where the launcher (or a test) registers app instances and reports their health.</summary>
    public IAppInstanceRegistry Instances => _app.Services.GetRequiredService<IAppInstanceRegistry>();

    public IReadOnlyCollection<SidecarApp> Sidecars { get; }

    /// <summary>
    /// Loads each sidecar's resources (scoped to its app-id), starts listening and runs every
    /// <see cref="IRuntimeInitializer"/> in order. Bad resources throw <see cref="Resources.ResourceException"/>
    /// naming the file; a port in use throws <see cref="IOException"/>. Nothing keeps running after a failure.
    /// </summary>
    public static async Task<LocalDaprRuntime> StartAsync(
        IReadOnlyList<SidecarDefinition> sidecars,
        LocalDaprRuntimeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sidecars);
        options ??= new LocalDaprRuntimeOptions();
        var apps = SidecarLoader.Load(sidecars);
        var app = Build(apps, options);
        var runtime = new LocalDaprRuntime(app, apps);
        try
        {
            // Resolving validates the Resiliency resources (and whatever else is parsed eagerly) before listening.
            _ = app.Services.GetRequiredService<IResiliencyProvider>();
            _ = app.Services.GetRequiredService<HttpEndpointCatalog>();
            await app.StartAsync(cancellationToken);
            var initializers = app.Services.GetServices<IRuntimeInitializer>().OrderBy(i => i.Order).ToArray();
            foreach (var initializer in initializers)
            {
                await initializer.InitializeAsync(apps, cancellationToken);
            }

            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes when the host stops (Ctrl-C handled by the caller, or the gRPC Shutdown RPC).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // Stop timed out: disposal below still closes the listeners.
        }

        await _app.DisposeAsync();
    }

    private static WebApplication Build(IReadOnlyList<SidecarApp> apps, LocalDaprRuntimeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(LocalDaprRuntime).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is not null)
        {
            options.ConfigureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // per sidecar, set by ApiTokenMiddleware
            foreach (var sidecar in apps)
            {
                kestrel.Listen(IPAddress.Loopback, sidecar.HttpPort, l => l.Protocols = HttpProtocols.Http1);
                kestrel.Listen(IPAddress.Loopback, sidecar.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            }
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddLocalDaprCore(apps);
        builder.Services.AddLocalDaprComponents();
        builder.Services.AddLocalDaprPubSub();
        builder.Services.AddLocalDaprActors();
        options.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseMiddleware<ApiTokenMiddleware>();
        app.UseMiddleware<AppIdHeaderMiddleware>();
        app.MapLocalDaprCore();
        app.MapLocalDaprComponents();
        app.MapLocalDaprPubSub();
        app.MapLocalDaprActors();
        options.MapEndpoints?.Invoke(app);
        return app;
    }
}
