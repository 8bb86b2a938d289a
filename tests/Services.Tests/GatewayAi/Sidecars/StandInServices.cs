using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Services.Tests.GatewayAi.Sidecars;

/// <summary>
/// One small real app on a loopback port that the runtime registers as the instance of auth, models and inference:
/// auth's key check answers from <see cref="Keys"/>, models knows deepseek-chat, inference answers a fixed completion
/// (or 503 while <see cref="InferenceDown"/>). What these services do is tested on their own; here they only need
/// to keep their contracts so gateway-ai, its sidecar and the real users app can be exercised together.
/// </summary>
public sealed class StandInServices : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInServices(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, KeyVerificationResult> Keys { get; } = new(StringComparer.Ordinal);
    public bool InferenceDown { get; set; }
    public int Port { get; private set; }
    public int KeyChecks => _keyChecks;

    private int _keyChecks;

    public static readonly ModelDescriptor Chat = new()
    {
        Id = "deepseek-chat",
        Aliases = ["chat"],
        MaxOutputTokens = 64,
        Backend = new ModelBackend { Kind = BackendKinds.Builtin },
    };

    public static async Task<StandInServices> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var services = new StandInServices(builder.Build());
        services.Map();
        await services._app.StartAsync();
        var address = services._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        services.Port = new Uri(address).Port;
        return services;
    }

    private void Map()
    {
        _app.MapPost("/internal/keys/verify", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _keyChecks);
            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.KeyVerificationRequest);
            var result = Keys.TryGetValue(request!.ApiKey, out var known) ? known : new KeyVerificationResult(false, Reason: "unknown");
            await context.Response.WriteAsJsonAsync(result, ContractsJsonContext.Default.KeyVerificationResult);
        });
        _app.MapGet("/internal/models/{id}", async (HttpContext context, string id) =>
        {
            if (id != Chat.Id && !Chat.Aliases.Contains(id))
            {
                context.Response.StatusCode = 404;
                return;
            }

            await context.Response.WriteAsJsonAsync(Chat, ContractsJsonContext.Default.ModelDescriptor);
        });
        _app.MapPost("/internal/generate", async (HttpContext context) =>
        {
            if (InferenceDown)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsJsonAsync(ErrorResponse.Create("backend down", ErrorTypes.Unavailable), ContractsJsonContext.Default.ErrorResponse);
                return;
            }

            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.GenerateRequest);
            await context.Response.WriteAsJsonAsync(new ChatCompletion
            {
                Id = "chatcmpl-standin",
                Created = 1_700_000_000,
                Model = request!.Model.Id,
                Choices = [new ChatChoice { Message = new AssistantMessage { Content = "Hello there" }, FinishReason = "stop" }],
                Usage = new Usage { PromptTokens = 10, CompletionTokens = 2, TotalTokens = 12 },
            }, ContractsJsonContext.Default.ChatCompletion);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
