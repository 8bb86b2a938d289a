namespace Services.Tests.Users.Support;

/// <summary>Waits for a condition that another process makes true (a delivery, a reminder), checking on a timer.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var value = await read();
        while (!done(value) && await TickAsync(timer, timeout.Token))
        {
            value = await read();
        }

        return value;
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
