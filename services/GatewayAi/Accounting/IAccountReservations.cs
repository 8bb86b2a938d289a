using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>Holds and frees quota and money on the user's accounting actor (<see cref="UserAccountActorContract"/>).</summary>
public interface IAccountReservations
{
    /// <summary>Throws <see cref="ServiceDefaults.Invocation.DownstreamUnavailableException"/> when users (or its sidecar) cannot answer.</summary>
    Task<QuotaDecision> ReserveAsync(string userId, ReservationRequest request, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="ServiceDefaults.Invocation.DownstreamUnavailableException"/> when users (or its sidecar) cannot answer.</summary>
    Task ReleaseAsync(string userId, ReservationRelease release, CancellationToken cancellationToken);
}
