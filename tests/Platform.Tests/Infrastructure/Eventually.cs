namespace Platform.Tests.Infrastructure;

/// <summary>Waits for something that happens asynchronously in another process (a counter, a log line).</summary>
public static class Eventually
{
    public static async Task<bool> TrueWithinAsync(TimeSpan timeout, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
