using DeepSeek.Dapr.ServiceDefaults.State;

namespace Services.Tests.Users;

public sealed class KeyedLockTests
{
    [Fact]
    public async Task Holders_of_one_key_never_overlap_while_other_keys_proceed()
    {
        var locks = new KeyedLock();
        var inside = 0;
        var maxInside = 0;

        async Task WorkAsync()
        {
            using var turn = await locks.AcquireAsync("user-a", default);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        }

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(WorkAsync)));
        using var a = await locks.AcquireAsync("user-a", default);
        var other = locks.AcquireAsync("user-b", default);

        maxInside.Should().Be(1);
        other.IsCompletedSuccessfully.Should().BeTrue("a different key is not blocked by user-a's holder");
        (await other).Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_does_not_block_the_key()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync("k", default);
        using var cts = new CancellationTokenSource();
        var waiter = locks.AcquireAsync("k", cts.Token);

        await cts.CancelAsync();
        await FluentActions.Awaiting(() => waiter).Should().ThrowAsync<OperationCanceledException>();
        held.Dispose();

        var again = locks.AcquireAsync("k", default);
        again.IsCompletedSuccessfully.Should().BeTrue();
        (await again).Dispose();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
