using System.Net;
using System.Text;
using System.Text.Json;
using Dapr.Actors;
using Dapr.Actors.Client;
using LocalDapr.Tests.State;

namespace LocalDapr.Tests.Actors;

/// <summary>The real Dapr.Actors proxy and Dapr.Actors.AspNetCore host talking through the local runtime.</summary>
public sealed class ActorConformanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Proxy_call_round_trips_and_state_lands_in_the_actor_store_under_daprds_key()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        (await kit.Proxy(id).IncrementAsync()).Should().Be(1);
        (await kit.Proxy(id).IncrementAsync()).Should().Be(2);
        (await kit.Proxy(id).GetAsync()).Should().Be(2);

        var stored = await kit.ActorStore().GetAsync($"{ActorTestKit.AppId}||{ActorTestKit.ActorType}||{id}||count", CancellationToken.None);
        stored.Should().NotBeNull();
        Encoding.UTF8.GetString(stored!.Value.Span).Should().Be("2");
    }

    [Fact]
    public async Task Non_remoting_json_calls_pass_through_for_any_accepted_verb()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();
        var proxy = ActorProxy.Create(new ActorId(id), ActorTestKit.ActorType, new ActorProxyOptions { HttpEndpoint = kit.SidecarUrl });
        var client = kit.Harness.CreateSidecarHttpClient(ActorTestKit.AppId);

        (await proxy.InvokeMethodAsync<int>(nameof(ICounterActor.IncrementAsync))).Should().Be(1);
        using var viaPost = await client.PostAsync($"/v1.0/actors/{ActorTestKit.ActorType}/{id}/method/{nameof(ICounterActor.GetAsync)}", null);
        using var viaGet = await client.GetAsync($"/v1.0/actors/{ActorTestKit.ActorType}/{id}/method/{nameof(ICounterActor.GetAsync)}");

        viaPost.StatusCode.Should().Be(HttpStatusCode.OK);
        (await viaPost.Content.ReadAsStringAsync()).Should().Be("1");
        (await viaGet.Content.ReadAsStringAsync()).Should().Be("1");
    }

    [Fact]
    public async Task Fifty_concurrent_increments_on_one_actor_are_serialised()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => kit.Proxy(id).IncrementAsync()));

        (await kit.Proxy(id).GetAsync()).Should().Be(50);
    }

    [Fact]
    public async Task Different_actor_ids_run_at_the_same_time()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var group = NewId();

        var met = await Task.WhenAll(kit.Proxy(NewId()).MeetAsync(group, 2), kit.Proxy(NewId()).MeetAsync(group, 2));

        met.Should().AllSatisfy(m => m.Should().BeTrue("two actors must be inside a method at once"));
    }

    [Fact]
    public async Task Same_actor_id_never_runs_two_calls_at_once()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();
        var group = NewId();

        // The second call may only start after the first gave up waiting for a partner.
        var met = await Task.WhenAll(kit.Proxy(id).MeetAsync(group, 2), kit.Proxy(id).MeetAsync(group + "-other", 2));

        met[0].Should().BeFalse();
    }

    [Fact]
    public async Task Actor_exception_reaches_the_proxy_as_ActorMethodInvocationException()
    {
        await using var kit = await ActorTestKit.StartAsync();

        var call = () => kit.Proxy(NewId()).FailAsync("boom from the actor");

        var thrown = await call.Should().ThrowAsync<ActorMethodInvocationException>();
        thrown.Which.ToString().Should().Contain("boom from the actor");
    }

    [Fact]
    public async Task Idle_actor_is_deactivated_and_its_state_survives()
    {
        await using var kit = await ActorTestKit.StartAsync(idleTimeout: TimeSpan.FromSeconds(1), scanInterval: TimeSpan.FromMilliseconds(300));
        var id = NewId();
        (await kit.Proxy(id).IncrementAsync()).Should().Be(1);

        var deactivated = await Eventually.TrueAsync(() => Task.FromResult(ActorSignals.For(id).Contains("deactivated")), Deadline);

        deactivated.Should().BeTrue("the runtime sends DELETE actors/{type}/{id} after actorIdleTimeout");
        (await kit.Proxy(id).IncrementAsync()).Should().Be(2, "a reactivated actor reads its state back from the store");
    }

    [Fact]
    public async Task Reminder_fires_with_its_data_and_is_persisted_in_the_actor_store()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        await kit.Proxy(id).StartReminderAsync("ping", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), null);

        var stored = await kit.ActorStore().GetAsync($"actors||{ActorTestKit.ActorType}", CancellationToken.None);
        stored.Should().NotBeNull();
        Encoding.UTF8.GetString(stored!.Value.Span).Should().Contain(id).And.Contain("ping");
        var fired = await Eventually.TrueAsync(() => Task.FromResult(ActorSignals.For(id).Contains("reminder:ping:1,2,3")), Deadline);
        fired.Should().BeTrue();
    }

    [Fact]
    public async Task Reminder_with_repetitions_fires_that_many_times_then_leaves_the_store()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        // The SDK writes repetitions as ISO 8601 R2/PT1S, which it allows in whole seconds only.
        await kit.Proxy(id).StartReminderAsync("twice", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 2);

        var finished = await Eventually.TrueAsync(async () => !(await StoredRemindersAsync(kit)).Contains(id), Deadline);
        finished.Should().BeTrue("a reminder whose repetitions are used up is deleted");
        ActorSignals.For(id).Count(s => s == "reminder:twice:1,2,3").Should().Be(2);
    }

    [Fact]
    public async Task Timer_fires_its_callback_until_unregistered()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        await kit.Proxy(id).StartTimerAsync("tick", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
        var fired = await Eventually.TrueAsync(() => Task.FromResult(ActorSignals.For(id).Count(s => s == "timer:1:7") >= 2), Deadline);
        await kit.Proxy(id).StopTimerAsync("tick");

        fired.Should().BeTrue("a periodic timer calls its callback on every period");
    }

    [Theory]
    [MemberData(nameof(StoreKinds))]
    public async Task State_with_ttl_expires_in_every_actor_store(StoreKind kind)
    {
        await using var kit = await ActorTestKit.StartAsync(StoreComponents.Yaml(kind, "actorstore", ActorStoreMetadata));
        var id = NewId();

        await kit.Proxy(id).SetNoteAsync("short-lived", TimeSpan.FromSeconds(1));
        (await kit.Proxy(id).IncrementAsync()).Should().Be(1);

        (await kit.Proxy(id).GetNoteAsync()).Should().Be("short-lived");
        var expired = await Eventually.TrueAsync(async () => await kit.Proxy(id).GetNoteAsync() is null, Deadline);
        expired.Should().BeTrue("metadata.ttlInSeconds reaches the store");
        (await kit.Proxy(id).GetAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Reentrant_actor_calls_itself_through_the_sidecar()
    {
        await using var kit = await ActorTestKit.StartAsync(reentrant: true);
        var id = NewId();

        // Without the Dapr-Reentrancy-Id chain the nested calls would wait for the outer call forever.
        (await kit.Proxy(id).IncrementTwiceThroughSelfAsync()).Should().Be(2);
    }

    public static TheoryData<StoreKind> StoreKinds => StoreComponents.AllKinds;

    private const string ActorStoreMetadata = "    - name: actorStateStore\n      value: \"true\"\n";

    [Fact]
    public async Task Unknown_actor_type_gets_daprds_invoke_error()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var client = kit.Harness.CreateSidecarHttpClient(ActorTestKit.AppId);

        using var response = await client.PutAsync("/v1.0/actors/NoSuchActor/1/method/Do", new StringContent("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ErrorCodeAsync(response)).Should().Be("ERR_ACTOR_INVOKE_METHOD");
    }

    [Fact]
    public async Task Missing_actor_state_store_is_a_clear_error()
    {
        const string plainStore = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
              metadata: []
            """;
        await using var kit = await ActorTestKit.StartAsync(plainStore);
        var client = kit.Harness.CreateSidecarHttpClient(ActorTestKit.AppId);

        using var response = await client.GetAsync($"/v1.0/actors/{ActorTestKit.ActorType}/1/state/count");
        var call = () => kit.Proxy(NewId()).IncrementAsync();

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ErrorCodeAsync(response)).Should().Be("ERR_ACTOR_RUNTIME_NOT_FOUND");
        (await call.Should().ThrowAsync<ActorMethodInvocationException>()).Which.ToString().Should().Contain("actorStateStore");
    }

    private static async Task<string> StoredRemindersAsync(ActorTestKit kit)
    {
        var stored = await kit.ActorStore().GetAsync($"actors||{ActorTestKit.ActorType}", CancellationToken.None);
        return stored is null ? string.Empty : Encoding.UTF8.GetString(stored.Value.Span);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("errorCode").GetString();
    }

    private static string NewId() => Guid.NewGuid().ToString("n");
}
