using LocalDapr.Abstractions;

namespace LocalDapr.Actors;

/// <summary>
/// Every sidecar → app actor call (methods, reminders, timers, deactivation) goes through here: it takes the
/// actor's turn, marks the actor active, and sends the request through the caller's resiliency pipeline for the
/// actor (<c>targets.actors</c> by type, breakers per type and/or id, as daprd).
/// An app status outside 200–399 counts as a failure for retries and breakers; once they give up, the app's last
/// reply is returned unchanged (the caller sees the app's status, body and headers).
/// </summary>
internal sealed class ActorInvoker(ActorPlacement placement, IResiliencyProvider resiliency, ActorLocks locks, ActorActivity activity)
{
    public async Task<HttpResponseMessage> CallAsync(
        string callerAppId,
        ActorTypeOptions type,
        ActorKey actor,
        Func<HttpRequestMessage> createRequest,
        string? reentrancyId,
        CancellationToken cancellationToken)
    {
        // Without reentrancy the id must not let a second call in; with it, a new chain starts here when none came in.
        reentrancyId = type.Reentrant ? reentrancyId ?? Guid.NewGuid().ToString() : null;
        using var turn = await locks.AcquireAsync(actor, reentrancyId, cancellationToken);
        activity.Touch(actor, type);
        try
        {
            return await SendAsync(callerAppId, type.AppId, actor, () =>
            {
                var request = createRequest();
                if (reentrancyId is not null)
                {
                    request.Headers.Remove(ActorErrors.ReentrancyHeader);
                    request.Headers.TryAddWithoutValidation(ActorErrors.ReentrancyHeader, reentrancyId);
                }

                return request;
            }, cancellationToken);
        }
        finally
        {
            activity.Touch(actor, type);
        }
    }

    /// <summary>
    /// Fires a reminder or timer callback (<c>PUT</c> with the JSON body). Returns false when the app asked to stop:
    /// a truthy <c>X-DaprReminderCancel</c> header, or 404 (no such actor method), which daprd treats as permanent.
    /// Other failures throw, so the schedule tries again at its next period.
    /// </summary>
    public async Task<bool> FireCallbackAsync(ActorTypeOptions type, ActorKey actor, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(type.AppId, type, actor, () => new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        }, null, cancellationToken);
        if (response.Headers.TryGetValues(ActorErrors.ReminderCancelHeader, out var values)
            && values.Any(v => bool.TryParse(v, out var cancel) ? cancel : v is "1"))
        {
            return false;
        }

        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        return response.IsSuccessStatusCode
            ? true
            : throw new HttpRequestException($"app {type.AppId} answered {(int)response.StatusCode} to {path}", null, response.StatusCode);
    }

    /// <summary><c>DELETE actors/{type}/{id}</c> under the actor's turn if the actor is still idle by then; false when it is busy again.</summary>
    public async Task<bool> DeactivateIfIdleAsync(ActorKey actor, ActorTypeOptions type, CancellationToken cancellationToken)
    {
        using var turn = await locks.AcquireAsync(actor, null, cancellationToken);
        if (!activity.IsIdle(actor))
        {
            return false;
        }

        // Gone from the active set whatever the app answers: the next call activates it again, as in daprd.
        activity.Remove(actor);
        using var response = await SendAsync(type.AppId, type.AppId, actor, () => new HttpRequestMessage(HttpMethod.Delete, ActorPaths.Actor(actor)), cancellationToken);
        placement.Forget(actor);
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(string callerAppId, string hostAppId, ActorKey actor, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var pipeline = resiliency.ForActor(callerAppId, actor.Type, actor.Id);
        HttpResponseMessage? failed = null;
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                failed?.Dispose();
                failed = null;
                var response = await SendToPlacedInstanceAsync(hostAppId, actor, createRequest, token);
                var status = (int)response.StatusCode;
                if (status is < 200 or > 399)
                {
                    failed = response;
                    throw new StatusCodeException(status, $"app {hostAppId} answered {status}");
                }

                return response;
            }, cancellationToken);
        }
        catch (StatusCodeException) when (failed is not null)
        {
            return failed;
        }
        catch
        {
            // A timeout or open breaker after a failed reply: that reply is not returned, so its connection is freed here.
            failed?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends to the instance the actor is placed on. If that instance refuses the connection (nothing was sent),
    /// it has just left the rotation, so the actor is placed again and the request goes to the new instance.
    /// </summary>
    private async Task<HttpResponseMessage> SendToPlacedInstanceAsync(string hostAppId, ActorKey actor, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var tried = 1; ; tried++)
        {
            var channel = placement.ChannelFor(hostAppId, actor)
                ?? throw new HttpRequestException($"app {hostAppId} has no healthy instance", null, System.Net.HttpStatusCode.ServiceUnavailable);
            using var request = createRequest();
            try
            {
                return await channel.SendAsync(hostAppId, request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (Channel.ConnectFailure.NothingSent(ex) && tried < Channel.ConnectFailure.MaxInstancesTried)
            {
                // The instance refused (and left the rotation) or was already out of it: place the actor again.
            }
        }
    }
}
