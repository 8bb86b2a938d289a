using LocalDapr.Actors;

namespace LocalDapr.Tests.Actors;

public sealed class ActorLocksTests
{
    private static readonly ActorKey Actor = new("T", "1");

    [Fact]
    public async Task Second_call_waits_for_the_first_turn_to_end()
    {
        var locks = new ActorLocks();
        var first = await locks.AcquireAsync(Actor, null, CancellationToken.None);

        var second = locks.AcquireAsync(Actor, null, CancellationToken.None);
        second.IsCompleted.Should().BeFalse();
        first.Dispose();
        (await second).Dispose();

        locks.Count.Should().Be(0, "entries are dropped when nobody holds or waits");
    }

    [Fact]
    public async Task Same_reentrancy_chain_enters_while_another_chain_waits()
    {
        var locks = new ActorLocks();
        var outer = await locks.AcquireAsync(Actor, "chain-1", CancellationToken.None);

        var nested = locks.AcquireAsync(Actor, "chain-1", CancellationToken.None);
        var other = locks.AcquireAsync(Actor, "chain-2", CancellationToken.None);

        nested.IsCompletedSuccessfully.Should().BeTrue();
        other.IsCompleted.Should().BeFalse();
        (await nested).Dispose();
        other.IsCompleted.Should().BeFalse("the outer call of chain-1 still holds the actor");
        outer.Dispose();
        (await other).Dispose();
    }

    [Fact]
    public async Task Cancelled_waiter_does_not_keep_the_entry()
    {
        var locks = new ActorLocks();
        var held = await locks.AcquireAsync(Actor, null, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync(Actor, null, cancel.Token);
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        held.Dispose();
        locks.Count.Should().Be(0);
    }
}
