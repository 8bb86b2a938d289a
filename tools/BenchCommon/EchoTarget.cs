using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BenchCommon;

/// <summary>
/// A bare Kestrel endpoint (HopBench's app behind the sidecar, PlatformBench's reference): Kestrel on a free loopback port answering <c>GET /echo</c> with a fixed tiny JSON body,
/// written from a cached buffer so the app itself costs as little as possible and the hop's cost stands out.
/// </summary>
public static class EchoTarget
{
    private static readonly byte[] Reply = """{"ok":true,"service":"echo"}"""u8.ToArray();

    public static async Task<(WebApplication App, int Port)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.MapGet("/echo", async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Reply.Length;
            await context.Response.Body.WriteAsync(Reply);
        });
        app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Ok());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address).Port);
    }
}
