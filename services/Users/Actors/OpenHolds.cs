namespace DeepSeek.Dapr.Users.Actors;

/// <summary>
/// The open holds of one account, kept in the memory of its actor activation (never in actor state): a hold only
/// protects admission, the money moves in Settle. Indexed by reservation id and by request id (a retried Reserve of
/// the same request gets its hold back), with the sums the quota decision needs kept up to date.
/// </summary>
public sealed class OpenHolds
{
    private readonly Dictionary<string, Hold> _byReservation = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reservationByRequest = new(StringComparer.Ordinal);

    public int Count => _byReservation.Count;

    public decimal Amount { get; private set; }

    public long Tokens { get; private set; }

    public string? ReservationOf(string requestId) => _reservationByRequest.GetValueOrDefault(requestId);

    public void Add(string reservationId, Hold hold)
    {
        _byReservation.Add(reservationId, hold);
        _reservationByRequest[hold.RequestId] = reservationId;
        Amount += hold.Amount;
        Tokens += hold.Tokens;
    }

    /// <summary>Ends a hold; false when it is unknown (never made, already ended, or lost with an earlier activation).</summary>
    public bool Remove(string? reservationId)
    {
        if (string.IsNullOrEmpty(reservationId) || !_byReservation.Remove(reservationId, out var hold))
        {
            return false;
        }

        _reservationByRequest.Remove(hold.RequestId);
        Amount -= hold.Amount;
        Tokens -= hold.Tokens;
        return true;
    }

    /// <summary>Drops the holds past their expiry and says how many went.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        var expired = _byReservation.Where(h => h.Value.ExpiresAt <= now).Select(h => h.Key).ToList();
        foreach (var reservationId in expired)
        {
            Remove(reservationId);
        }

        return expired.Count;
    }
}
