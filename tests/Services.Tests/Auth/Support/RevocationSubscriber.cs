using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Services.Tests.Auth.Support;

/// <summary>What the subscriber saw for one <c>api-key-revoked</c> event, and what auth answered when asked about the key then.</summary>
public sealed record RevocationSeen(ApiKeyRevoked Event, KeyVerificationResult? VerifiedOnArrival);

/// <summary>
/// A stand-in for a gateway-ai replica on a real loopback port: subscribes to <c>api-key-revoked</c> on the broadcast
/// pub/sub through the runtime's <c>/dapr/subscribe</c> handshake, and when an event arrives re-verifies the key
/// through its own sidecar (the plaintext is registered by the test), so the test sees what a gateway would see.
/// </summary>
public sealed class RevocationSubscriber : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _plaintexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RevocationSeen>> _seen = new(StringComparer.Ordinal);
    private HttpClient? _auth;

    private RevocationSubscriber(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<RevocationSubscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var subscriber = new RevocationSubscriber(builder.Build());
        subscriber.Map();
        await subscriber._app.StartAsync();
        var address = subscriber._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        subscriber.Port = new Uri(address).Port;
        return subscriber;
    }

    /// <summary>The client the subscriber uses to call auth through its own sidecar.</summary>
    public void UseAuthClient(HttpClient auth) => _auth = auth;

    /// <summary>Lets the subscriber re-verify this key when its revocation arrives.</summary>
    public void Watch(string keyId, string plaintext) => _plaintexts[keyId] = plaintext;

    /// <summary>The first delivery of the revocation of <paramref name="keyId"/> (a TimeoutException when none came in time).</summary>
    public Task<RevocationSeen> WaitForAsync(string keyId, TimeSpan timeout) => Slot(keyId).Task.WaitAsync(timeout);

    private TaskCompletionSource<RevocationSeen> Slot(string keyId) =>
        _seen.GetOrAdd(keyId, _ => new TaskCompletionSource<RevocationSeen>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.MapGet("/dapr/subscribe", () => Results.Text(
            $$"""[{"pubsubname":"{{Components.Broadcast}}","topic":"{{Topics.ApiKeyRevoked}}","route":"/events/api-key-revoked"}]""",
            "application/json"));
        _app.MapPost("/events/api-key-revoked", async (HttpRequest request) =>
        {
            using var envelope = await JsonDocument.ParseAsync(request.Body);
            var evt = envelope.RootElement.GetProperty("data").Deserialize(ContractsJsonContext.Default.ApiKeyRevoked)!;
            KeyVerificationResult? verified = null;
            if (_auth is not null && _plaintexts.TryGetValue(evt.KeyId, out var plaintext))
            {
                using var reply = await _auth.PostAsJsonAsync("internal/keys/verify", new KeyVerificationRequest(plaintext), ContractsJsonContext.Default.KeyVerificationRequest);
                verified = await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult);
            }

            Slot(evt.KeyId).TrySetResult(new RevocationSeen(evt, verified));
            return Results.Ok();
        });
    }
}
