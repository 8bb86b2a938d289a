namespace DeepSeek.Dapr.GatewayAi.Accounting;

/// <summary>
/// The hold taken for one admitted request. Exactly one of two things ends it: the usage event that carries its id
/// (users settles it) or a release when no usage will ever be published. Whoever closes the ticket first does it.
/// </summary>
public sealed class ReservationTicket(string userId, string reservationId)
{
    private int _closed;

    public string UserId { get; } = userId;
    public string ReservationId { get; } = reservationId;

    /// <summary>True for the one caller that gets to settle or release this hold.</summary>
    public bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;
}
