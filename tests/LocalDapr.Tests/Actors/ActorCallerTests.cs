using System.Text;
using Dapr;
using Dapr.Actors;

namespace LocalDapr.Tests.Actors;

/// <summary>
/// Actor calls made through ANOTHER app's sidecar (how gateway-ai reaches the accounting actor hosted by users),
/// with the strongly typed remoting proxy and the weakly typed <c>ActorProxy.Create(id, type)</c> +
/// <c>InvokeMethodAsync</c>, and the caller's resiliency <c>targets.actors</c> applied to them.
/// </summary>
public sealed class ActorCallerTests
{
    private static string NewId() => Guid.NewGuid().ToString("n");

    [Fact]
    public async Task Both_proxy_kinds_on_another_apps_sidecar_reach_the_hosting_app_and_share_the_actors_state()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        (await kit.CallerProxy(id).IncrementAsync()).Should().Be(1);
        var reply = await kit.WeakCallerProxy(id).InvokeMethodAsync<AddRequest, AddReply>(nameof(ICounterActor.AddAsync), new AddRequest(5, "top-up"));
        (await kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.GetAsync))).Should().Be(6);

        reply.Should().Be(new AddReply(6, "top-up"));
        (await kit.Proxy(id).GetAsync()).Should().Be(6, "the host's own sidecar sees the same actor");
    }

    [Fact]
    public async Task Weakly_typed_calls_on_one_id_are_serialised_and_different_ids_run_at_once()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();
        var group = NewId();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.IncrementAsync))));
        var met = await Task.WhenAll(
            kit.WeakCallerProxy(NewId()).InvokeMethodAsync<MeetRequest, bool>(nameof(ICounterActor.RendezvousAsync), new MeetRequest(group, 2)),
            kit.WeakCallerProxy(NewId()).InvokeMethodAsync<MeetRequest, bool>(nameof(ICounterActor.RendezvousAsync), new MeetRequest(group, 2)));

        (await kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.GetAsync))).Should().Be(40, "no increment was lost");
        met.Should().AllSatisfy(m => m.Should().BeTrue("two different actors are inside a method at once"));
    }

    [Fact]
    public async Task App_errors_reach_both_proxy_kinds()
    {
        await using var kit = await ActorTestKit.StartAsync();

        var typed = () => kit.CallerProxy(NewId()).FailAsync("typed boom");
        var weak = () => kit.WeakCallerProxy(NewId()).InvokeMethodAsync<string>(nameof(ICounterActor.FailAsync), "weak boom");
        var missing = () => kit.WeakCallerProxy(NewId()).InvokeMethodAsync("NoSuchMethod");

        (await typed.Should().ThrowAsync<ActorMethodInvocationException>()).Which.ToString().Should().Contain("typed boom");
        (await weak.Should().ThrowAsync<DaprApiException>()).Which.ErrorCode.Should().Be("ERR_ACTOR_INVOKE_METHOD");
        (await missing.Should().ThrowAsync<DaprApiException>()).Which.Message.Should().Contain("error from actor service");
    }

    [Fact]
    public async Task A_multi_key_save_lands_in_the_actor_store_as_one_transaction_with_its_ttl()
    {
        await using var kit = await ActorTestKit.StartAsync();
        var id = NewId();

        await kit.WeakCallerProxy(id).InvokeMethodAsync(nameof(ICounterActor.SetPairAsync), new PairRequest("one", "two", 60));

        var store = kit.ActorStore();
        var prefix = $"{ActorTestKit.AppId}||{ActorTestKit.ActorType}||{id}||";
        var first = await store.GetAsync(prefix + "first", CancellationToken.None);
        var second = await store.GetAsync(prefix + "second", CancellationToken.None);
        Encoding.UTF8.GetString(first!.Value.Span).Should().Be("\"one\"");
        Encoding.UTF8.GetString(second!.Value.Span).Should().Be("\"two\"");
        first.ExpiresAt.Should().BeNull();
        second.ExpiresAt.Should().BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(60), TimeSpan.FromSeconds(30), "metadata.ttlInSeconds reaches the store");
    }

    private const string ActorPolicies = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: actor-policies
        scopes:
          - actor-client
        spec:
          policies:
            timeouts:
              short: 500ms
            retries:
              twice:
                policy: constant
                duration: 10ms
                maxRetries: 2
            circuitBreakers:
              perActor:
                maxRequests: 1
                timeout: 60s
                trip: consecutiveFailures >= 5
          targets:
            actors:
              CounterActor:
                timeout: short
                retry: twice
                circuitBreaker: perActor
                circuitBreakerScope: id
        """;

    [Fact]
    public async Task The_callers_actor_retry_policy_retries_a_failing_method()
    {
        await using var kit = await ActorTestKit.StartAsync(extraResources: ("resiliency.yaml", ActorPolicies));
        var id = NewId();

        (await kit.WeakCallerProxy(id).InvokeMethodAsync<int>(nameof(ICounterActor.FlakyAsync))).Should().Be(3, "two failures, then the second retry succeeds");

        // The host's own sidecar is not in the policy's scopes: no retry there.
        var unretried = () => kit.Harness.CreateSidecarHttpClient(ActorTestKit.AppId)
            .PutAsync($"/v1.0/actors/{ActorTestKit.ActorType}/{NewId()}/method/{nameof(ICounterActor.FlakyAsync)}", null);
        (await unretried()).StatusCode.Should().Be(System.Net.HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task The_callers_actor_timeout_ends_a_slow_call_with_daprds_error()
    {
        await using var kit = await ActorTestKit.StartAsync(extraResources: ("resiliency.yaml", ActorPolicies));

        var slow = () => kit.WeakCallerProxy(NewId()).InvokeMethodAsync<int, int>(nameof(ICounterActor.SlowAsync), 5000);

        var thrown = (await slow.Should().ThrowAsync<DaprApiException>()).Which;
        thrown.ErrorCode.Should().Be("ERR_ACTOR_INVOKE_METHOD");
        thrown.Message.Should().Contain("timeout");
    }

    [Fact]
    public async Task The_callers_actor_circuit_breaker_opens_per_actor_id()
    {
        await using var kit = await ActorTestKit.StartAsync(extraResources: ("resiliency.yaml", ActorPolicies));
        var broken = NewId();
        var fail = () => kit.WeakCallerProxy(broken).InvokeMethodAsync<string>(nameof(ICounterActor.FailAsync), "down");

        // 3 attempts per call (1 + 2 retries): the 5th consecutive failure, in the second call, opens the breaker.
        await fail.Should().ThrowAsync<DaprApiException>();
        await fail.Should().ThrowAsync<DaprApiException>();
        var open = await fail.Should().ThrowAsync<DaprApiException>();

        open.Which.Message.Should().Contain("circuit breaker is open");
        (await kit.WeakCallerProxy(NewId()).InvokeMethodAsync<int>(nameof(ICounterActor.IncrementAsync))).Should().Be(1, "the breaker is scoped to the failing actor id");
    }
}
