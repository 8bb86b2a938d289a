using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LocalDapr.Tests.Actors;

public interface ICounterActor : IActor
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task FailAsync(string message);

    /// <summary>Waits until <paramref name="expected"/> actors of the same group are inside this method at once.</summary>
    Task<bool> MeetAsync(string group, int expected);

    Task StartReminderAsync(string name, TimeSpan dueTime, TimeSpan period, int? repetitions);

    Task StartTimerAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task StopTimerAsync(string name);

    Task SetNoteAsync(string note, TimeSpan ttl);

    Task<string?> GetNoteAsync();

    /// <summary>Calls <see cref="IncrementAsync"/> on itself through a proxy twice (needs reentrancy).</summary>
    Task<int> IncrementTwiceThroughSelfAsync();

    /// <summary>A JSON request and reply, as weakly typed callers use (<c>InvokeMethodAsync&lt;TReq,TRes&gt;</c>).</summary>
    Task<AddReply> AddAsync(AddRequest request);

    /// <summary>Writes two keys in one save (one state transaction), the second with a TTL.</summary>
    Task SetPairAsync(PairRequest request);

    /// <summary>Fails the first two calls per actor id, then answers with the number of calls it got.</summary>
    Task<int> FlakyAsync();

    /// <summary>Answers after <paramref name="milliseconds"/>.</summary>
    Task<int> SlowAsync(int milliseconds);

    /// <summary><see cref="MeetAsync"/> with one argument, for weakly typed callers (one JSON body).</summary>
    Task<bool> RendezvousAsync(MeetRequest request);
}

public sealed record MeetRequest(string Group, int Expected);

public sealed record AddRequest(int Amount, string Reason);

public sealed record AddReply(int Total, string Reason);

public sealed record PairRequest(string First, string Second, int SecondTtlSeconds);

/// <summary>
/// The conformance actor. Increments read, yield and write back on purpose: without the sidecar's turn-based lock,
/// concurrent calls on one id would lose updates. Side effects the test cannot query through the actor (reminders,
/// timers, deactivation) are recorded in <see cref="ActorSignals"/>.
/// </summary>
public sealed class CounterActor(ActorHost host, IServer server) : Actor(host), ICounterActor, IRemindable
{
    /// <summary>The app port of the replica this activation runs in (recorded as <c>activated:{port}</c>).</summary>
    private int Port => new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    private const string CountKey = "count";

    public async Task<int> IncrementAsync()
    {
        var count = await StateManager.GetOrAddStateAsync(CountKey, 0);
        await Task.Delay(2);
        await StateManager.SetStateAsync(CountKey, count + 1);
        return count + 1;
    }

    public Task<int> GetAsync() => StateManager.GetOrAddStateAsync(CountKey, 0);

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public Task<bool> MeetAsync(string group, int expected) => ActorSignals.MeetAsync(group, expected);

    public Task StartReminderAsync(string name, TimeSpan dueTime, TimeSpan period, int? repetitions) =>
        repetitions is { } count
            ? RegisterReminderAsync(name, [1, 2, 3], dueTime, period, count)
            : RegisterReminderAsync(name, [1, 2, 3], dueTime, period);

    public Task StartTimerAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        RegisterTimerAsync(name, nameof(OnTimerAsync), [7], dueTime, period);

    public Task StopTimerAsync(string name) => UnregisterTimerAsync(name);

    public Task SetNoteAsync(string note, TimeSpan ttl) => StateManager.SetStateAsync("note", note, ttl);

    public async Task<string?> GetNoteAsync()
    {
        var note = await StateManager.TryGetStateAsync<string>("note");
        return note.HasValue ? note.Value : null;
    }

    public async Task<int> IncrementTwiceThroughSelfAsync()
    {
        var self = ProxyFactory.CreateActorProxy<ICounterActor>(Id, Host.ActorTypeInfo.ActorTypeName);
        await self.IncrementAsync();
        return await self.IncrementAsync();
    }

    public async Task<AddReply> AddAsync(AddRequest request)
    {
        var total = await StateManager.GetOrAddStateAsync(CountKey, 0) + request.Amount;
        await StateManager.SetStateAsync(CountKey, total);
        return new AddReply(total, request.Reason);
    }

    public async Task SetPairAsync(PairRequest request)
    {
        await StateManager.SetStateAsync("first", request.First);
        await StateManager.SetStateAsync("second", request.Second, TimeSpan.FromSeconds(request.SecondTtlSeconds));
        await SaveStateAsync();
    }

    public Task<int> FlakyAsync()
    {
        var calls = ActorSignals.Count(Id.GetId(), "flaky");
        return calls <= 2 ? throw new InvalidOperationException($"flaky call {calls}") : Task.FromResult(calls);
    }

    public Task<bool> RendezvousAsync(MeetRequest request) => ActorSignals.MeetAsync(request.Group, request.Expected);

    public async Task<int> SlowAsync(int milliseconds)
    {
        ActorSignals.Record(Id.GetId(), "slow");
        await Task.Delay(milliseconds);
        return milliseconds;
    }

    public Task OnTimerAsync(byte[] data)
    {
        ActorSignals.Record(Id.GetId(), $"timer:{data.Length}:{data[0]}");
        return Task.CompletedTask;
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        ActorSignals.Record(Id.GetId(), $"reminder:{reminderName}:{string.Join(',', state)}");
        return Task.CompletedTask;
    }

    protected override Task OnActivateAsync()
    {
        ActorSignals.Record(Id.GetId(), $"activated:{Port}");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        ActorSignals.Record(Id.GetId(), "deactivated");
        return Task.CompletedTask;
    }
}

/// <summary>What the actors did, by actor id (ids are unique per test).</summary>
public static class ActorSignals
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Events = new();
    private static readonly ConcurrentDictionary<string, Rendezvous> Groups = new();

    public static void Record(string actorId, string signal) => Events.GetOrAdd(actorId, _ => new()).Enqueue(signal);

    public static IReadOnlyList<string> For(string actorId) => Events.TryGetValue(actorId, out var queue) ? queue.ToArray() : [];

    /// <summary>Records <paramref name="signal"/> and returns how often it was recorded for this actor so far.</summary>
    public static int Count(string actorId, string signal)
    {
        var queue = Events.GetOrAdd(actorId, _ => new());
        lock (queue)
        {
            queue.Enqueue(signal);
            return queue.Count(s => s == signal);
        }
    }

    public static async Task<bool> MeetAsync(string group, int expected)
    {
        var rendezvous = Groups.GetOrAdd(group, _ => new Rendezvous());
        if (Interlocked.Increment(ref rendezvous.Arrived) >= expected)
        {
            rendezvous.AllArrived.TrySetResult();
        }

        try
        {
            await rendezvous.AllArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private sealed class Rendezvous
    {
        public readonly TaskCompletionSource AllArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Arrived;
    }
}
