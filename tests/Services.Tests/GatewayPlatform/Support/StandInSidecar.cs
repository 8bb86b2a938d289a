using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Hosting;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayPlatform.Support;

/// <summary>
/// A real loopback Kestrel app answering the sidecar's invoke API (<c>/v1.0/invoke/{app}/method/...</c>) for auth and
/// users with replies the test sets per call, recording every call with its body, so a test sees exactly which
/// internal calls gateway-platform made and what it sent.
/// </summary>
public sealed class StandInSidecar : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<string, (int Status, string Body)>> _replies = new();
    private LoopbackApp _app = null!;

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    public int Port => _app.Port;

    public static async Task<StandInSidecar> StartAsync()
    {
        var sidecar = new StandInSidecar();
        sidecar._app = await LoopbackApp.StartAsync(app => app.Map("/v1.0/invoke/{appId}/method/{**method}", sidecar.AnswerAsync));
        return sidecar;
    }

    /// <summary>Answers <c>METHOD app/path</c> (path without query) with a fixed status and JSON body.</summary>
    public void Reply(string call, int status, string body) => _replies[call] = _ => (status, body);

    /// <summary>Answers from the request body (e.g. a key check that depends on the key).</summary>
    public void Reply(string call, Func<string, (int Status, string Body)> answer) => _replies[call] = answer;

    public IReadOnlyList<RecordedCall> CallsTo(string call) => Calls.Where(c => c.Call == call).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task AnswerAsync(HttpContext context, string appId, string method)
    {
        var call = $"{context.Request.Method} {appId}/{method}";
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        Calls.Enqueue(new RecordedCall(call, context.Request.QueryString.Value ?? string.Empty, body));
        if (!_replies.TryGetValue(call, out var answer))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($$$"""{"error":{"message":"stand-in has no reply for {{{call}}}","type":"invalid_request_error","code":"unknown_url"}}""");
            return;
        }

        var (status, reply) = answer(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply);
    }
}

public sealed record RecordedCall(string Call, string Query, string Body);

/// <summary>The real gateway-platform app, invoking through <see cref="StandInSidecar"/>.</summary>
public sealed class GatewayPlatformFactory(int sidecarPort) : WebApplicationFactory<DeepSeek.Dapr.GatewayPlatform.Apis.AccountServices>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("DAPR_HTTP_PORT", sidecarPort.ToString(CultureInfo.InvariantCulture));
}
