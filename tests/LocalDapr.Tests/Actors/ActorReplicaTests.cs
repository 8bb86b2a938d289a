namespace LocalDapr.Tests.Actors;

/// <summary>
/// An actor host with two replicas behind one sidecar: an actor id is active on one replica only (as with daprd's
/// placement), and moves to the other replica, with its state, when its replica goes away.
/// </summary>
public sealed class ActorReplicaTests
{
    [Fact]
    public async Task One_actor_id_is_active_on_one_replica_and_moves_with_its_state_when_that_replica_dies()
    {
        await using var kit = await ActorTestKit.StartAsync(replicas: 2);
        var id = Guid.NewGuid().ToString("n");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.IncrementAsync))));
        var activations = ActorSignals.For(id).Where(s => s.StartsWith("activated:", StringComparison.Ordinal)).ToArray();
        activations.Should().ContainSingle("round robin would activate the actor on both replicas, each with its own cached state");

        var hostPort = int.Parse(activations[0]["activated:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        await kit.Replicas.Single(r => r.Port == hostPort).StopAsync();

        (await kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.IncrementAsync))).Should().Be(21, "the actor reads its state back on the other replica");
        ActorSignals.For(id).Where(s => s.StartsWith("activated:", StringComparison.Ordinal)).Should()
            .HaveCount(2).And.Contain($"activated:{kit.Replicas.Single(r => r.Port != hostPort).Port}");
    }

    [Fact]
    public async Task Different_actor_ids_spread_over_the_replicas()
    {
        await using var kit = await ActorTestKit.StartAsync(replicas: 2);
        var ids = Enumerable.Range(0, 16).Select(_ => Guid.NewGuid().ToString("n")).ToArray();

        await Task.WhenAll(ids.Select(id => kit.CallerProxy(id).IncrementAsync()));

        var ports = ids.SelectMany(ActorSignals.For).Where(s => s.StartsWith("activated:", StringComparison.Ordinal)).Distinct().ToArray();
        ports.Should().BeEquivalentTo(kit.Replicas.Select(r => $"activated:{r.Port}"), "placement hashes ids over the healthy replicas");
    }
}
