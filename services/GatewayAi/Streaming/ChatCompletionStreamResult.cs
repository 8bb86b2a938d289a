using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.GatewayAi.Completions;
using DeepSeek.Dapr.GatewayAi.Downstream;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>
/// The streamed reply of an admitted request. Until inference has answered its status line (or one keep-alive
/// interval has passed) nothing is sent, so a backend that is down still gets a proper 503 status. After that the
/// SSE response starts with a <c>: keep-alive</c> comment, repeats it until the first token, and relays the chunks.
/// A backend that fails before its first chunk is replaced by the model's registered fallback when there is one
/// (<see cref="ModelFailover"/>); a stream that breaks after its first chunk ends with an error event and
/// <c>[DONE]</c>. The client's RequestAborted is the token of the inference call: a client that leaves stops the generation.
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
            await services.Finisher.FinishAsync(admitted, reply, streamed: true, complete: true, httpContext.Response);
            return;
        }

        SseEventWriter? writer = null;
        var answered = admitted;
        try
        {
            var outcome = await StreamFromInferenceAsync(httpContext, settings, assembler, w => writer = w, a => answered = a, cancellationToken);
            await services.Finisher.FinishAsync(answered, assembler.ToCompletion(), streamed: true, complete: outcome.Completed, httpContext.Response);
        }
        catch (Exception ex) when (ex is DownstreamUnavailableException or InferenceRejectedException)
        {
            if (writer is null)
            {
                var error = ex is InferenceRejectedException rejected ? FailureReplies.Rejected(rejected) : services.Failures.Unavailable(httpContext, (DownstreamUnavailableException)ex);
                await error.ExecuteAsync(httpContext);
                return;
            }

            await writer.WriteJsonAsync(services.Failures.InBand(httpContext, ex), ContractsJsonContext.Default.ErrorResponse, cancellationToken);
            await writer.WriteDoneAsync(cancellationToken);
            await services.Finisher.FinishAsync(answered, assembler.ToCompletion(), streamed: true, complete: false, httpContext.Response);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left: inference was cancelled with it. Bill what was generated up to here.
            LogClientLeft(services.Logger, admitted.RequestId);
            await services.Finisher.FinishAsync(answered, assembler.ToCompletion(), streamed: true, complete: false, httpContext.Response);
        }
    }

    private async Task<RelayOutcome> StreamFromInferenceAsync(
        HttpContext httpContext,
        RelaySettings settings,
        StreamAssembler assembler,
        Action<SseEventWriter> started,
        Action<AdmittedRequest> answeredBy,
        CancellationToken cancellationToken)
    {
        var context = await services.PrepareContextAsync(admitted, httpContext, cancellationToken);
        var open = OpenWithFailoverAsync(context, cancellationToken);
        var interval = TimeSpan.FromSeconds(Math.Max(0.05, services.Options.KeepAliveSeconds));
        OpenedStream? opened = null;
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task keepAliveLoop = Task.CompletedTask;
        try
        {
            if (await Task.WhenAny(open, Task.Delay(interval, cancellationToken)) == open)
            {
                opened = await Opened(open, httpContext, answeredBy);
            }

            var writer = await SseEventWriter.StartAsync(httpContext.Response, cancellationToken);
            started(writer);
            await writer.WriteCommentAsync(KeepAliveLoop.Comment, cancellationToken);
            keepAliveLoop = KeepAliveLoop.RunAsync(writer, interval, keepAlive.Token);
            opened ??= await Opened(open, httpContext, answeredBy);

            var end = new SseEnd();
            await using var body = await opened.Response.Content.ReadAsStreamAsync(cancellationToken);
            return await ChatStreamRelay.RelayAsync(
                ChatStreamEvent.ReadAllAsync(body, end, cancellationToken), writer, assembler, settings, end, keepAlive.Cancel, cancellationToken);
        }
        finally
        {
            await keepAlive.CancelAsync();
            await keepAliveLoop;
            if (opened is null)
            {
                ObserveAbandoned(open);
            }
            else
            {
                opened.Response.Dispose();
            }
        }
    }

    /// <summary>
    /// Opens the stream of the requested model, or of its fallback when the first could not start. Marking happens
    /// on the request's own flow (<see cref="Opened"/>), never concurrently with the response starting.
    /// </summary>
    private async Task<OpenedStream> OpenWithFailoverAsync(PreparedContext context, CancellationToken cancellationToken)
    {
        try
        {
            return new OpenedStream(admitted, await services.Inference.OpenStreamAsync(ContextPreparer.ToGenerateRequest(admitted, context.Messages), cancellationToken));
        }
        catch (DownstreamUnavailableException ex)
        {
            var fallback = await services.Failover.RetargetAsync(admitted, ex, cancellationToken);
            if (fallback is null)
            {
                throw;
            }

            return new OpenedStream(fallback, await services.Inference.OpenStreamAsync(ContextPreparer.ToGenerateRequest(fallback, context.Messages), cancellationToken));
        }
    }

    private async Task<OpenedStream> Opened(Task<OpenedStream> open, HttpContext httpContext, Action<AdmittedRequest> answeredBy)
    {
        var opened = await open;
        if (!ReferenceEquals(opened.Answered, admitted))
        {
            services.Marker.Mark(httpContext, FallbackKinds.ModelFailover);
            answeredBy(opened.Answered);
        }

        return opened;
    }

    // When the client leaves before inference answered, nobody takes the result of `open`: observe its failure so
    // it is not lost, and close a stream that opened after all.
    private static void ObserveAbandoned(Task<OpenedStream> open) =>
        _ = open.ContinueWith(
            static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Response.Dispose();
                }
                else
                {
                    _ = t.Exception;
                }
            },
            TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client disconnected mid-stream; generation of request {RequestId} cancelled")]
    private static partial void LogClientLeft(ILogger logger, string requestId);

    private sealed record OpenedStream(AdmittedRequest Answered, HttpResponseMessage Response);
}

/// <summary>The services a reply from inference needs (streamed or not), resolved once per request.</summary>
public sealed class StreamingServices(
    ContextPreparer context,
    InferenceClient inference,
    CompletionFinisher finisher,
    FailureReplies failures,
    ModelFailover failover,
    FallbackMarker marker,
    Microsoft.Extensions.Options.IOptions<GatewayAiOptions> options,
    ILogger<ChatCompletionStreamResult> logger)
{
    public ContextPreparer Context { get; } = context;
    public InferenceClient Inference { get; } = inference;
    public CompletionFinisher Finisher { get; } = finisher;
    public FailureReplies Failures { get; } = failures;
    public ModelFailover Failover { get; } = failover;
    public FallbackMarker Marker { get; } = marker;
    public GatewayAiOptions Options { get; } = options.Value;
    public ILogger Logger { get; } = logger;

    /// <summary>The messages to generate from; a reply without the stored conversation (chat down) is marked degraded.</summary>
    public async Task<PreparedContext> PrepareContextAsync(AdmittedRequest admitted, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var context = await Context.PrepareAsync(admitted, cancellationToken);
        if (context.WithoutStoredContext)
        {
            Marker.Mark(httpContext, FallbackKinds.Degraded);
        }

        return context;
    }
}
