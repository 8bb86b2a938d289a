using LocalDapr.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;

namespace LocalDapr.Tests.Infrastructure;

/// <summary>
/// A minimal in-process app on a free loopback port (Kestrel picks it, so there is no race). Map its endpoints
/// in <c>configure</c>; Dapr.AspNetCore's <c>UseCloudEvents()</c> / <c>MapSubscribeHandler()</c> work as in a real app.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private int _stopped;

    private TestApp(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public string BaseAddress => $"http://127.0.0.1:{Port}";

    public static async Task<TestApp> StartAsync(Action<WebApplication> configure, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address).Port);
    }

    public AppInstance InstanceFor(string appId) => new(appId, Port);

    /// <summary>Stops listening (simulates the app going down); idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}
