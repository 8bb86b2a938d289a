using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>
/// The streamed reply of an admitted request. Until inference has answered its status line (or one keep-alive
/// interval has passed) nothing is sent, so a backend that is down still gets a proper 503 status. After that the
/// SSE response starts with a <c>: keep-alive</c> comment, repeats it until the first token, and relays the chunks.
/// The client's RequestAborted is the token of the inference call: a client that leaves stops the generation.
/// </summary>
public sealed partial class ChatCompletionStreamResult(AdmittedRequest admitted, StreamingServices services) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = httpContext.RequestAborted;
        httpContext.Response.Headers["X-Cache"] = admitted.CacheHit ? "HIT" : "MISS";
        var settings = new RelaySettings(admitted.Request.StreamOptions?.IncludeUsage == true, admitted.CacheHit);
        var assembler = new StreamAssembler();

        if (admitted.Cached is { } cached)
        {
            var reply = CompletionShaping.FromCache(cached);
            var cacheWriter = await SseEventWriter.StartAsync(httpContext.Response, cancellationToken);
            await ChatStreamRelay.RelayAsync(CompletionReplay.ToEvents(reply), cacheWriter, assembler, settings, null, null, cancellationToken);
            await services.Finisher.FinishAsync(admitted, reply, streamed: true, complete: true);
            return;
        }

        SseEventWriter? writer = null;
        try
        {
            var outcome = await StreamFromInferenceAsync(httpContext, settings, assembler, w => writer = w, cancellationToken);
            await services.Finisher.FinishAsync(admitted, assembler.ToCompletion(), streamed: true, complete: outcome.Completed);
        }
        catch (Exception ex) when (ex is DownstreamUnavailableException or InferenceRejectedException)
        {
            if (writer is null)
            {
                var error = ex is InferenceRejectedException rejected ? FailureReplies.Rejected(rejected) : services.Failures.Unavailable((DownstreamUnavailableException)ex);
                await error.ExecuteAsync(httpContext);
                return;
            }

            await writer.WriteJsonAsync(services.Failures.InBand(ex), ContractsJsonContext.Default.ErrorResponse, cancellationToken);
            await writer.WriteDoneAsync(cancellationToken);
            await services.Finisher.FinishAsync(admitted, assembler.ToCompletion(), streamed: true, complete: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left: inference was cancelled with it. Bill what was generated up to here.
            LogClientLeft(services.Logger, admitted.RequestId);
            await services.Finisher.FinishAsync(admitted, assembler.ToCompletion(), streamed: true, complete: false);
        }
    }

    private async Task<RelayOutcome> StreamFromInferenceAsync(
        HttpContext httpContext, RelaySettings settings, StreamAssembler assembler, Action<SseEventWriter> started, CancellationToken cancellationToken)
    {
        var (messages, _) = await services.Context.PrepareAsync(admitted, cancellationToken);
        var open = services.Inference.OpenStreamAsync(ContextPreparer.ToGenerateRequest(admitted, messages), cancellationToken);
        var interval = TimeSpan.FromSeconds(Math.Max(0.05, services.Options.KeepAliveSeconds));
        HttpResponseMessage? upstream = null;
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task keepAliveLoop = Task.CompletedTask;
        try
        {
            if (await Task.WhenAny(open, Task.Delay(interval, cancellationToken)) == open)
            {
                upstream = await open;
            }

            var writer = await SseEventWriter.StartAsync(httpContext.Response, cancellationToken);
            started(writer);
            await writer.WriteCommentAsync(KeepAliveLoop.Comment, cancellationToken);
            keepAliveLoop = KeepAliveLoop.RunAsync(writer, interval, keepAlive.Token);
            upstream ??= await open;

            var end = new SseEnd();
            await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            return await ChatStreamRelay.RelayAsync(
                ChatStreamEvent.ReadAllAsync(body, end, cancellationToken), writer, assembler, settings, end, keepAlive.Cancel, cancellationToken);
        }
        finally
        {
            await keepAlive.CancelAsync();
            await keepAliveLoop;
            upstream?.Dispose();
            ObserveAbandoned(open);
        }
    }

    // When the client leaves before inference answered, nobody awaits `open`; observe its failure so it is not lost.
    private static void ObserveAbandoned(Task<HttpResponseMessage> open)
    {
        if (!open.IsCompleted)
        {
            _ = open.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client disconnected mid-stream; generation of request {RequestId} cancelled")]
    private static partial void LogClientLeft(ILogger logger, string requestId);
}

/// <summary>The services a streamed reply needs, resolved once per request.</summary>
public sealed class StreamingServices(
    ContextPreparer context,
    InferenceClient inference,
    CompletionFinisher finisher,
    FailureReplies failures,
    Microsoft.Extensions.Options.IOptions<GatewayAiOptions> options,
    ILogger<ChatCompletionStreamResult> logger)
{
    public ContextPreparer Context { get; } = context;
    public InferenceClient Inference { get; } = inference;
    public CompletionFinisher Finisher { get; } = finisher;
    public FailureReplies Failures { get; } = failures;
    public GatewayAiOptions Options { get; } = options.Value;
    public ILogger Logger { get; } = logger;
}
