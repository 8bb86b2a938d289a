using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Services.Tests.Users.Support;

/// <summary>
/// A stand-in for a gateway replica: a real app on a loopback port that subscribes to <c>account-changed</c> on the
/// <c>broadcast</c> component through its own sidecar and records what the runtime delivers.
/// </summary>
public sealed class AccountChangedProbe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<AccountChanged> _received = Channel.CreateUnbounded<AccountChanged>();
    private readonly List<AccountChanged> _seen = [];

    private AccountChangedProbe(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<AccountChangedProbe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var probe = new AccountChangedProbe(builder.Build());
        probe._app.MapGet("/dapr/subscribe", () => Results.Text(
            $$"""[{"pubsubname":"{{Components.Broadcast}}","topic":"{{Topics.AccountChanged}}","route":"/account-changed"}]""", "application/json"));
        probe._app.MapPost("/account-changed", probe.ReceiveAsync);
        await probe._app.StartAsync();
        var address = probe._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        probe.Port = new Uri(address).Port;
        return probe;
    }

    /// <summary>The first event (seen before or arriving within <paramref name="deadline"/>) that matches, or null.</summary>
    public async Task<AccountChanged?> WaitForAsync(Func<AccountChanged, bool> match, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        lock (_seen)
        {
            if (_seen.FirstOrDefault(match) is { } earlier)
            {
                return earlier;
            }
        }

        try
        {
            while (true)
            {
                var next = await _received.Reader.ReadAsync(timeout.Token);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body);
        var data = document.RootElement.TryGetProperty("data", out var inner) ? inner : document.RootElement;
        var changed = data.Deserialize(ContractsJsonContext.Default.AccountChanged);
        if (changed is not null)
        {
            lock (_seen)
            {
                _seen.Add(changed);
            }

            _received.Writer.TryWrite(changed);
        }

        return Results.Text("""{"status":"SUCCESS"}""", "application/json");
    }
}
