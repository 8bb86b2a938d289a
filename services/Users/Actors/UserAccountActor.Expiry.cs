using Dapr.Actors.Runtime;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>
/// Expiry of holds that were never settled nor released (the request was killed): an actor timer, in memory like the
/// holds it sweeps, so it costs no store write and is gone with them when the activation ends.
/// </summary>
public sealed partial class UserAccountActor
{
    /// <summary>The sweep timer, registered while the activation has open holds.</summary>
    public const string ExpireHoldsTimer = "expire-holds-timer";

    /// <summary>
    /// The persisted reminder earlier versions kept while holds were open. Holds no longer outlive an activation, so a
    /// reminder still registered from that time has nothing to sweep: it unregisters itself the first time it fires.
    /// </summary>
    public const string ExpireHoldsReminder = "expire-holds";

    private bool _expiryTimerRegistered;

    /// <summary>Timer callback (found by name by the SDK): drops holds past <c>Users:ReservationTimeoutSeconds</c>.</summary>
    public async Task ExpireHoldsAsync()
    {
        var expired = _holds.RemoveExpired(time.GetUtcNow());
        if (expired > 0)
        {
            LogExpired(Logger, Id.GetId(), expired);
        }

        if (_holds.Count == 0)
        {
            await UnregisterTimerAsync(ExpireHoldsTimer);
            _expiryTimerRegistered = false;
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName == ExpireHoldsReminder)
        {
            await UnregisterReminderAsync(ExpireHoldsReminder);
            LogLegacyReminderRemoved(Logger, Id.GetId());
        }
    }

    /// <summary>Starts the sweep once per activation while holds exist; the sweep stops itself when none is left.</summary>
    private async Task EnsureExpiryTimerAsync()
    {
        if (_expiryTimerRegistered)
        {
            return;
        }

        var period = TimeSpan.FromSeconds(Math.Max(options.Value.ReservationSweepSeconds, 1));
        await RegisterTimerAsync(ExpireHoldsTimer, nameof(ExpireHoldsAsync), [], period, period);
        _expiryTimerRegistered = true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} expired holds of {UserId}")]
    private static partial void LogExpired(ILogger logger, string userId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the persisted expire-holds reminder of {UserId} left by an earlier version")]
    private static partial void LogLegacyReminderRemoved(ILogger logger, string userId);
}
