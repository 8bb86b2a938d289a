using System.Diagnostics;
using System.Net;
using LocalDapr.Abstractions;
using LocalDapr.Channel;
using LocalDapr.Hosting;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Polly;

namespace LocalDapr.Invocation;

/// <summary>
/// Forwards one invocation to its target and streams the reply back. Without resiliency policies the request
/// body is streamed too and no Polly code runs; with a retry policy the body is buffered (up to the sidecar's
/// max body size) so each attempt can replay it. A failed app status (&lt;200 or &gt;399) is a failure for retries
/// and breakers, but the last reply still reaches the caller unchanged.
/// </summary>
internal sealed partial class InvocationForwarder(
    InvocationTargetResolver targets,
    AppInstanceRegistry instances,
    UpstreamInvoker upstream,
    ILogger<InvocationForwarder> logger)
{
    public async Task ForwardAsync(HttpContext context, SidecarApp caller, string targetId, string pathAndQuery)
    {
        var aborted = context.RequestAborted;
        InvocationTarget target;
        try
        {
            target = await targets.ResolveAsync(caller, targetId, aborted);
        }
        catch (InvocationTargetException ex)
        {
            await FailAsync(context, targetId, ex.Message);
            return;
        }

        using var activity = StartActivity(context, caller, target);
        var started = Stopwatch.GetTimestamp();
        var attempt = new Attempt(this, context, caller, target, pathAndQuery, activity);
        try
        {
            using var response = await SendAsync(attempt);
            var status = response is null ? context.Response.StatusCode : (int)response.StatusCode;
            LocalDaprTelemetry.RecordInvocation(caller.AppId, targetId, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            activity?.SetTag("http.response.status_code", status);
            if (response is not null)
            {
                await CopyResponseAsync(context, response);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller went away: the upstream call was cancelled with it; nobody is left to answer.
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            if (aborted.IsCancellationRequested)
            {
                LogCallerGone(targetId);
                return;
            }

            // The target broke off mid-reply: the caller gets an error, or an aborted stream if bytes already went out.
            await FailAsync(context, targetId, Describe(ex));
        }
        finally
        {
            attempt.Dispose();
        }
    }

    private async Task<HttpResponseMessage?> SendAsync(Attempt attempt)
    {
        var context = attempt.Context;
        var resiliency = attempt.Target.Resiliency;
        if (resiliency.Policies.IsEmpty)
        {
            try
            {
                return await attempt.SendAsync(streamBody: true, context.RequestAborted);
            }
            catch (Exception ex) when (IsBodyTooLarge(ex))
            {
                await WriteBodyTooLargeAsync(context, attempt.Caller.MaxBodySizeBytes);
                return null;
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && ex is HttpRequestException or InvocationTargetException or IOException)
            {
                await FailAsync(context, attempt.Target.Id, Describe(ex));
                return null;
            }
        }

        if (resiliency.Policies.HasRetries && !await attempt.BufferBodyAsync())
        {
            return null;
        }

        try
        {
            return await resiliency.Pipeline.ExecuteAsync(
                static (state, token) => state.SendCheckedAsync(token),
                attempt,
                context.RequestAborted);
        }
        catch (StatusCodeException) when (attempt.TakeLastFailure() is { } lastFailure)
        {
            return lastFailure;
        }
        catch (Exception ex) when (IsBodyTooLarge(ex))
        {
            await WriteBodyTooLargeAsync(context, attempt.Caller.MaxBodySizeBytes);
            return null;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            attempt.Activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await FailAsync(context, attempt.Target.Id, Describe(ex));
            return null;
        }
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        HeaderRules.CopyResponseHeaders(response, outgoing.Headers);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpMethods.IsHead(context.Request.Method) || response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
        {
            return;
        }

        var aborted = context.RequestAborted;
        await using var body = await response.Content.ReadAsStreamAsync(aborted);
        var writer = outgoing.BodyWriter;
        while (true)
        {
            // Read whatever has arrived and flush it at once, so streamed replies (SSE) reach the caller chunk by chunk.
            var memory = writer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, aborted);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
            var flush = await writer.FlushAsync(aborted);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                break;
            }
        }
    }

    private static Activity? StartActivity(HttpContext context, SidecarApp caller, InvocationTarget target)
    {
        if (!LocalDaprTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (Activity.Current is null && context.Request.Headers.TryGetValue(DaprHeaders.TraceParent, out var traceParent))
        {
            context.Request.Headers.TryGetValue(DaprHeaders.TraceState, out var traceState);
            ActivityContext.TryParse(traceParent.ToString(), traceState.ToString(), isRemote: true, out parent);
        }

        var activity = LocalDaprTelemetry.ActivitySource.StartActivity("invoke", ActivityKind.Client, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("dapr.caller", caller.AppId);
            activity.SetTag("dapr.target", target.Id);
            activity.SetTag("http.request.method", context.Request.Method);
        }

        return activity;
    }

    internal static Task WriteBodyTooLargeAsync(HttpContext context, long limit) =>
        DaprErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, DaprErrors.BodyTooLarge, $"request body is larger than the limit of {limit} bytes");

    /// <summary>Kestrel enforces the sidecar's body limit while the body streams upstream; the error surfaces wrapped.</summary>
    private static bool IsBodyTooLarge(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    private Task FailAsync(HttpContext context, string targetId, string reason)
    {
        LogInvokeFailed(targetId, reason);
        return DaprErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, DaprErrors.DirectInvoke, $"failed to invoke, id: {targetId}, err: {reason}");
    }

    private static string Describe(Exception ex) => ex switch
    {
        CircuitOpenException => "circuit breaker is open",
        Polly.Timeout.TimeoutRejectedException => "context deadline exceeded (resiliency timeout)",
        HttpRequestException { InnerException: { } inner } http => $"{http.Message} ({inner.Message})",
        _ => ex.Message,
    };

    internal AppEndpoint? NextInstance(string appId) => instances.Next(appId);

    internal void MarkUnreachable(AppInstance instance, Exception failure) => instances.MarkUnreachable(instance, ConnectFailure.Describe(failure));

    internal HttpMessageInvoker Invoker => upstream.Invoker;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Invocation of {Target} failed: {Reason}")]
    private partial void LogInvokeFailed(string target, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Caller went away while invoking {Target}")]
    private partial void LogCallerGone(string target);
}
