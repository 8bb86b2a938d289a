using System.Collections.Concurrent;
using System.Text.Json;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.GatewayAi.Support;

/// <summary>
/// The <c>UserAccountActor</c> of users behind <see cref="FakeSidecar"/>'s actor API
/// (<c>PUT /v1.0/actors/{type}/{id}/method/{method}</c>, JSON web defaults as the weakly typed proxy sends them).
/// Reserve asks <see cref="FakeSidecar.Quota"/> with the estimate and records the hold; Release records it.
/// </summary>
public sealed class FakeAccountActor
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private int _next;

    public ConcurrentQueue<(string UserId, ReservationRequest Request)> Reservations { get; } = new();
    public ConcurrentQueue<(string UserId, string ReservationId)> Releases { get; } = new();

    // One count per release, so a test waits for a release (sent after the response completed) without polling.
    private readonly SemaphoreSlim _released = new(0);

    public async Task WaitForReleasesAsync(int count, TimeSpan timeout)
    {
        for (var i = 0; i < count; i++)
        {
            (await _released.WaitAsync(timeout)).Should().BeTrue($"release {i + 1} of {count} should arrive within {timeout}");
        }
    }

    public async Task HandleAsync(HttpContext context, FakeSidecar sidecar, string actorType, string actorId, string method)
    {
        var ct = context.RequestAborted;
        if (actorType != UserAccountActorContract.ActorType)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"errorCode":"ERR_ACTOR_INSTANCE_MISSING","message":"no host for the actor type"}""", ct);
            return;
        }

        switch (method)
        {
            case UserAccountActorContract.Reserve:
                var request = (await JsonSerializer.DeserializeAsync<ReservationRequest>(context.Request.Body, Web, ct))!;
                Reservations.Enqueue((actorId, request));
                var decision = sidecar.Quota(new QuotaCheckRequest(actorId, request.KeyId, request.Model, request.PromptTokens + request.MaxCompletionTokens));
                if (decision.Allowed && decision.ReservationId is not null)
                {
                    decision = decision with { ReservationId = $"{decision.ReservationId}-{Interlocked.Increment(ref _next)}" };
                }

                await context.Response.WriteAsJsonAsync(decision, Web, ct);
                break;
            case UserAccountActorContract.Release:
                var release = (await JsonSerializer.DeserializeAsync<ReservationRelease>(context.Request.Body, Web, ct))!;
                Releases.Enqueue((actorId, release.ReservationId));
                _released.Release();
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }
}
