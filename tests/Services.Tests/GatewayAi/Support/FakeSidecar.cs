using System.Collections.Concurrent;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.GatewayAi.Support;

/// <summary>
/// A Dapr sidecar for gateway-ai's service invocation calls, with small in-process stand-ins for auth, models, users,
/// chat and inference behind <c>/v1.0/invoke/{app}/method/...</c>. Real HTTP on a loopback port, so the gateway's
/// HttpClients, streaming and cancellation behave as they do against daprd.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    public const string GoodKey = "sk-test-good";
    public const string RevokedKey = "sk-test-revoked";

    private LoopbackApp? _app;

    public ConcurrentQueue<string> Calls { get; } = new();
    /// <summary>The W3C <c>traceparent</c> each service invocation carried (empty when none), by target app-id.</summary>
    public ConcurrentQueue<(string AppId, string TraceParent)> TraceParents { get; } = new();
    public ConcurrentQueue<GenerateRequest> Generations { get; } = new();
    public Func<QuotaCheckRequest, QuotaDecision> Quota { get; set; } = _ => new QuotaDecision(true, ReservationId: "res-1");
    public FakeInference Inference { get; } = new();
    public FakeAccountActor Accounts { get; } = new();

    /// <summary>Answers of auth for particular keys, consulted before the built-in good/revoked/unknown keys.</summary>
    public ConcurrentDictionary<string, KeyVerificationResult> Keys { get; } = new();
    /// <summary>Models the registry knows besides <see cref="Chat"/>, by id (aliases are not resolved for these).</summary>
    public ConcurrentDictionary<string, ModelDescriptor> Models { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> DownApps { get; } = [];
    public TaskCompletionSource InferenceCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port => _app!.Port;

    public static readonly ModelDescriptor Chat = new()
    {
        Id = "deepseek-chat",
        Aliases = ["chat"],
        ContextWindow = 4096,
        MaxOutputTokens = 512,
        Backend = new ModelBackend { Kind = BackendKinds.Builtin },
    };

    public static async Task<FakeSidecar> StartAsync()
    {
        var sidecar = new FakeSidecar();
        sidecar._app = await LoopbackApp.StartAsync(app =>
        {
            app.Map("/v1.0/invoke/{appId}/method/{**method}", sidecar.HandleAsync);
            app.MapPut("/v1.0/actors/{actorType}/{actorId}/method/{method}", sidecar.HandleActorAsync);
        });
        return sidecar;
    }

    public int CallsTo(string prefix) => Calls.Count(c => c.StartsWith(prefix, StringComparison.Ordinal));

    // Actors are hosted by users: when users is down, daprd cannot reach the host and answers 500.
    private Task HandleActorAsync(HttpContext context, string actorType, string actorId, string method)
    {
        Calls.Enqueue($"actors/{actorType}/{actorId}/method/{method}");
        if (DownApps.Contains("users"))
        {
            context.Response.StatusCode = 500;
            return context.Response.WriteAsync("""{"errorCode":"ERR_ACTOR_INVOKE_METHOD","message":"error invoke actor method"}""");
        }

        return Accounts.HandleAsync(context, this, actorType, actorId, method);
    }

    private async Task HandleAsync(HttpContext context, string appId, string method)
    {
        Calls.Enqueue($"{appId}/{method}");
        TraceParents.Enqueue((appId, context.Request.Headers["traceparent"].ToString()));
        if (DownApps.Contains(appId))
        {
            // What daprd answers when the target cannot be reached or its breaker is open.
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"errorCode":"ERR_DIRECT_INVOKE","message":"fail to invoke"}""");
            return;
        }

        var ct = context.RequestAborted;
        switch (appId, method)
        {
            case ("auth", "internal/keys/verify"):
                var key = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.KeyVerificationRequest, ct);
                var result = Keys.TryGetValue(key!.ApiKey, out var configured) ? configured : key.ApiKey switch
                {
                    GoodKey => new KeyVerificationResult(true, "key-1", "alice"),
                    RevokedKey => new KeyVerificationResult(false, Reason: "revoked"),
                    _ => new KeyVerificationResult(false, Reason: "unknown"),
                };
                await context.Response.WriteAsJsonAsync(result, ContractsJsonContext.Default.KeyVerificationResult, cancellationToken: ct);
                break;
            case ("models", "internal/models"):
                await context.Response.WriteAsJsonAsync([Chat], ContractsJsonContext.Default.ListModelDescriptor, cancellationToken: ct);
                break;
            case ("models", _) when method.StartsWith("internal/models/", StringComparison.Ordinal):
                var id = Uri.UnescapeDataString(method["internal/models/".Length..]);
                if (id == Chat.Id || Chat.Aliases.Contains(id))
                {
                    await context.Response.WriteAsJsonAsync(Chat, ContractsJsonContext.Default.ModelDescriptor, cancellationToken: ct);
                }
                else if (Models.TryGetValue(id, out var registered))
                {
                    await context.Response.WriteAsJsonAsync(registered, ContractsJsonContext.Default.ModelDescriptor, cancellationToken: ct);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }

                break;
            case ("users", "internal/quota/check"):
                var check = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.QuotaCheckRequest, ct);
                await context.Response.WriteAsJsonAsync(Quota(check!), ContractsJsonContext.Default.QuotaDecision, cancellationToken: ct);
                break;
            case ("chat", "internal/context"):
                var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.ContextRequest, ct);
                var history = new List<ChatMessage> { new() { Role = "user", Content = "earlier question" } };
                history.AddRange(request!.Messages);
                await context.Response.WriteAsJsonAsync(new ContextResult(history, 42, false), ContractsJsonContext.Default.ContextResult, cancellationToken: ct);
                break;
            case ("chat", _) when method.StartsWith("internal/conversations/", StringComparison.Ordinal):
                context.Response.StatusCode = 204;
                break;
            case ("inference", "internal/generate"):
                var generate = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.GenerateRequest, ct);
                Generations.Enqueue(generate!);
                await Inference.AnswerAsync(context, generate!, this);
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Inference.Release();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
