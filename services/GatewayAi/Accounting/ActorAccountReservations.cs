using System.Text.Json;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// Calls the <c>UserAccountActor</c> hosted by users straight through this app's sidecar (weakly typed proxy, JSON
/// web defaults on both sides), so a reservation is one hop and one actor turn. Every way the call can fail — the
/// sidecar unreachable, no host for the actor type, the actor throwing, a timeout or open breaker from resiliency.yaml —
/// is "users is unavailable" to the caller, which then falls back to the local allowance.
/// </summary>
public sealed class ActorAccountReservations(IActorProxyFactory proxies) : IAccountReservations
{
    public Task<QuotaDecision> ReserveAsync(string userId, ReservationRequest request, CancellationToken cancellationToken) =>
        InvokeAsync(userId, UserAccountActorContract.Reserve,
            proxy => proxy.InvokeMethodAsync<ReservationRequest, QuotaDecision>(UserAccountActorContract.Reserve, request, cancellationToken),
            cancellationToken);

    public Task ReleaseAsync(string userId, ReservationRelease release, CancellationToken cancellationToken) =>
        InvokeAsync(userId, UserAccountActorContract.Release, async proxy =>
        {
            await proxy.InvokeMethodAsync(UserAccountActorContract.Release, release, cancellationToken);
            return true;
        }, cancellationToken);

    private async Task<T> InvokeAsync<T>(string userId, string method, Func<ActorProxy, Task<T>> call, CancellationToken cancellationToken)
    {
        var proxy = proxies.Create(new ActorId(userId), UserAccountActorContract.ActorType);
        try
        {
            return await call(proxy) ?? throw new DownstreamUnavailableException(AppIds.Users, $"{method} returned nothing");
        }
        catch (Exception ex) when (ex is DaprException or HttpRequestException or JsonException)
        {
            // DaprApiException and ActorMethodInvocationException both derive from DaprException.
            throw new DownstreamUnavailableException(AppIds.Users, $"{method} failed: {ex.GetType().Name}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownstreamUnavailableException(AppIds.Users, $"{method} timed out", ex);
        }
    }
}
