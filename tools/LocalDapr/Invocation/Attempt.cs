using System.Diagnostics;
using System.Net;
using LocalDapr.Abstractions;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LocalDapr.Invocation;

/// <summary>The per-invocation state shared by its attempts: the target, the (replayable) body and the last failed reply.</summary>
internal sealed class Attempt : IDisposable
{
    private readonly InvocationForwarder _forwarder;
    private readonly SidecarApp _caller;
    private readonly string _pathAndQuery;
    private readonly string _traceParent;
    private readonly string? _traceState;
    private byte[]? _bufferedBody;
    private int _bufferedLength;
    private HttpResponseMessage? _lastFailure;

    public Attempt(InvocationForwarder forwarder, HttpContext context, SidecarApp caller, InvocationTarget target, string pathAndQuery, Activity? activity)
    {
        _forwarder = forwarder;
        _caller = caller;
        _pathAndQuery = pathAndQuery;
        Context = context;
        Target = target;
        Activity = activity;
        (_traceParent, _traceState) = TraceContext(context, activity, caller.TraceSamplingRate);
    }

    public HttpContext Context { get; }

    public SidecarApp Caller => _caller;

    public InvocationTarget Target { get; }

    public Activity? Activity { get; }

    private bool HasBody => Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? Context.Request.ContentLength > 0;

    /// <summary>Reads the whole body so retries can resend it; false when it is too large (the 413 is already written).</summary>
    public async Task<bool> BufferBodyAsync()
    {
        if (!HasBody)
        {
            return true;
        }

        var limit = _caller.MaxBodySizeBytes;
        using var buffer = new MemoryStream(Context.Request.ContentLength is > 0 and var length && length <= limit ? (int)length : 4096);
        try
        {
            await Context.Request.Body.CopyToAsync(buffer, Context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await InvocationForwarder.WriteBodyTooLargeAsync(Context, limit);
            return false;
        }

        _bufferedBody = buffer.GetBuffer();
        _bufferedLength = (int)buffer.Length;
        return true;
    }

    /// <summary>One attempt whose failed app status becomes a <see cref="StatusCodeException"/> (the reply is kept for the caller).</summary>
    public async ValueTask<HttpResponseMessage> SendCheckedAsync(CancellationToken cancellationToken)
    {
        TakeLastFailure()?.Dispose();
        var response = await SendAsync(streamBody: _bufferedBody is null, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 399)
        {
            return response;
        }

        _lastFailure = response;
        throw new StatusCodeException(status, $"target {Target.Id} answered {status}");
    }

    public async Task<HttpResponseMessage> SendAsync(bool streamBody, CancellationToken cancellationToken)
    {
        if (Target.BaseUrl is { } url)
        {
            // Not disposed here: a streamed request body may still be flowing when the reply headers arrive.
            return await _forwarder.Invoker.SendAsync(CreateRequest(url, streamBody), cancellationToken);
        }

        // An instance that refuses the connection never read the body (not even a streamed one), so the same
        // request can go to the next healthy instance; the refusing one leaves the rotation at once.
        for (var tried = 1; ; tried++)
        {
            var endpoint = _forwarder.NextInstance(Target.AppId!)
                ?? throw new InvocationTargetException($"app {Target.AppId} has no running instance");
            try
            {
                return await _forwarder.Invoker.SendAsync(CreateRequest(endpoint.BaseAddress, streamBody), cancellationToken);
            }
            catch (HttpRequestException ex) when (Channel.ConnectFailure.NothingSent(ex) && tried < Channel.ConnectFailure.MaxInstancesTried)
            {
                _forwarder.MarkUnreachable(endpoint.Instance, ex);
            }
        }
    }

    public HttpResponseMessage? TakeLastFailure()
    {
        var failure = _lastFailure;
        _lastFailure = null;
        return failure;
    }

    public void Dispose() => TakeLastFailure()?.Dispose();

    private HttpRequestMessage CreateRequest(string baseAddress, bool streamBody)
    {
        var incoming = Context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), baseAddress + _pathAndQuery)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (_bufferedBody is not null)
        {
            request.Content = new ReadOnlyMemoryContent(_bufferedBody.AsMemory(0, _bufferedLength));
        }
        else if (streamBody && HasBody)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        HeaderRules.CopyRequestHeaders(incoming.Headers, request);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(DaprHeaders.TraceParent, _traceParent);
        if (_traceState is not null)
        {
            headers.TryAddWithoutValidation(DaprHeaders.TraceState, _traceState);
        }

        headers.TryAddWithoutValidation(DaprHeaders.CallerAppId, _caller.AppId);
        if (Target.AppId is { } appId)
        {
            headers.TryAddWithoutValidation(DaprHeaders.CalleeAppId, appId);
        }

        if (Target.AppApiToken is { } token)
        {
            headers.TryAddWithoutValidation(DaprHeaders.ApiToken, token);
        }

        foreach (var (name, value) in Target.Headers)
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>The trace context to forward: always the caller's trace-id (a new one when the caller sent none).</summary>
    private static (string TraceParent, string? TraceState) TraceContext(HttpContext context, Activity? activity, double samplingRate)
    {
        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C, Id: { } id } current)
        {
            return (id, current.TraceStateString);
        }

        var headers = context.Request.Headers;
        if (headers.TryGetValue(DaprHeaders.TraceParent, out var traceParent) && traceParent.Count == 1
            && ActivityContext.TryParse(traceParent[0], null, out _))
        {
            return (traceParent[0]!, headers.TryGetValue(DaprHeaders.TraceState, out var state) && state.Count > 0 ? state.ToString() : null);
        }

        // A trace started here is sampled per the caller's Configuration (samplingRate), as daprd does.
        var sampled = samplingRate >= 1 || (samplingRate > 0 && Random.Shared.NextDouble() < samplingRate);
        return ($"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{(sampled ? "01" : "00")}", null);
    }
}
