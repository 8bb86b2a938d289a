using System.Collections.Concurrent;
using System.Net;
using LocalDapr.Abstractions;
using LocalDapr.PubSub;
using LocalDapr.Resources;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace LocalDapr.Subscriptions;

/// <summary>
/// Keeps each app subscribed: validates declarative <c>Subscription</c> resources at start-up, and whenever an app-id
/// gets its first healthy instance asks it for <c>GET /dapr/subscribe</c> (retrying while it warms up) and
/// (re)creates one consumer per pub/sub topic. A re-subscription replaces the previous consumers, so an app
/// restart never doubles deliveries. On a component whose consumerID names a consumer per instance
/// (<see cref="ConsumerTemplate"/>), each healthy instance gets its own consumer instead, created when the instance
/// becomes healthy and removed when it is gone, and deliveries go to that instance only.
/// </summary>
public sealed class SubscriptionManager(
    ISidecarResolver sidecars,
    IPubSubComponentRegistry components,
    IAppChannel appChannel,
    IAppInstanceRegistry instances,
    IResiliencyProvider resiliency,
    EventPublisher publisher,
    TimeProvider time,
    ILogger<SubscriptionManager> logger)
    : IAppReadyListener, IAppInstanceListener, ISubscriptionRegistry, IRuntimeInitializer, IAsyncDisposable
{
    /// <summary>daprd's DaprBuiltInInitializationRetries spirit: the app may listen before its routes are ready.</summary>
    private static readonly ResiliencePipeline DiscoveryRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 8,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(2),
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<StatusCodeException>().Handle<TaskCanceledException>(),
        })
        .Build();

    private readonly ConcurrentDictionary<string, IReadOnlyList<TopicSubscription>> _declarative = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AppSubscriptions> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The <c>{uuid}</c> of each instance's current run: kept across re-subscriptions, new after a restart.</summary>
    private readonly ConcurrentDictionary<AppInstance, string> _instanceIds = new();

    /// <summary>After the components (200), so declarative subscriptions can be checked against them.</summary>
    public int Order => 210;

    public Task InitializeAsync(IReadOnlyCollection<SidecarApp> apps, CancellationToken cancellationToken)
    {
        foreach (var app in apps)
        {
            LoadDeclarative(app);
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<SubscriptionInfo> SubscriptionsFor(string appId) =>
        _active.TryGetValue(appId, out var active)
            ? active.Subscriptions.Select(ToInfo).ToArray()
            : [];

    public async Task OnInstanceReadyAsync(AppInstance instance, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(instance.AppId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Notifications run in the background: the instance may be gone again by now.
            if (_active.TryGetValue(instance.AppId, out var active) && instances.AllInstances(instance.AppId).Contains(instance))
            {
                await SubscribeInstanceAsync(active, instance, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task OnInstanceGoneAsync(AppInstance instance, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(instance.AppId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            _instanceIds.TryRemove(instance, out _);
            if (_active.TryGetValue(instance.AppId, out var active))
            {
                await active.RemoveInstanceAsync(instance);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task OnAppReadyAsync(string appId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(appId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var app = sidecars.Find(appId);
            if (app is null)
            {
                return;
            }

            var declarative = _declarative.TryGetValue(appId, out var loaded) ? loaded : LoadDeclarative(app);
            var programmatic = await DiscoverAsync(appId, cancellationToken);
            await SubscribeAsync(appId, Merge(appId, declarative.Concat(programmatic)), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private IReadOnlyList<TopicSubscription> LoadDeclarative(SidecarApp app)
    {
        var list = new List<TopicSubscription>();
        foreach (var resource in app.Resources.Subscriptions.Where(r => r.AppliesTo(app.AppId)))
        {
            try
            {
                list.Add(SubscriptionParser.ParseDeclarative(resource));
            }
            catch (SubscriptionException ex)
            {
                throw new ResourceException(ex.Message);
            }
        }

        _declarative[app.AppId] = list;
        return list;
    }

    private async Task<IReadOnlyList<TopicSubscription>> DiscoverAsync(string appId, CancellationToken cancellationToken)
    {
        try
        {
            var json = await DiscoveryRetry.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dapr/subscribe", UriKind.Relative));
                using var response = await appChannel.SendAsync(appId, request, HttpCompletionOption.ResponseContentRead, ct);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                {
                    return null; // The app has no subscribe handler: it only uses declarative subscriptions.
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new StatusCodeException((int)response.StatusCode, $"GET /dapr/subscribe returned {(int)response.StatusCode}");
                }

                return await response.Content.ReadAsStringAsync(ct);
            }, cancellationToken);
            return string.IsNullOrWhiteSpace(json)
                ? []
                : SubscriptionParser.ParseProgrammatic(json, invalid => SubscriptionLog.InvalidSubscription(logger, appId, invalid.Message));
        }
        catch (Exception ex) when (ex is SubscriptionException or HttpRequestException or StatusCodeException)
        {
            SubscriptionLog.DiscoveryFailed(logger, appId, ex.Message);
            return [];
        }
    }

    /// <summary>One subscription per pub/sub and topic, as daprd keys them; the first definition wins.</summary>
    private List<TopicSubscription> Merge(string appId, IEnumerable<TopicSubscription> all)
    {
        var merged = new List<TopicSubscription>();
        foreach (var sub in all)
        {
            if (merged.Any(m => m.PubSubName == sub.PubSubName && m.Topic == sub.Topic))
            {
                SubscriptionLog.DuplicateSubscription(logger, appId, sub.PubSubName, sub.Topic, sub.Type);
                continue;
            }

            merged.Add(sub);
        }

        return merged;
    }

    /// <summary>
    /// Starts the app's new consumers before the previous ones stop: a component replaces a consumer under the same key,
    /// so there is no moment in which a published message finds no consumer for the app (and is not even parked), and
    /// deliveries the old consumers abandon are handed to the new ones.
    /// </summary>
    private async Task SubscribeAsync(string appId, List<TopicSubscription> subscriptions, CancellationToken cancellationToken)
    {
        var active = new AppSubscriptions();
        foreach (var sub in subscriptions)
        {
            IPubSubComponent component;
            try
            {
                component = components.Get(appId, sub.PubSubName);
            }
            catch (ComponentNotFoundException)
            {
                SubscriptionLog.UnknownPubSub(logger, appId, sub.PubSubName, sub.Topic);
                continue;
            }

            if (ConsumerTemplate.IsPerInstance(component.ConsumerIdTemplate))
            {
                active.AddPerInstance(sub, component);
                continue;
            }

            var handle = await StartConsumerAsync(appId, sub, component, appChannel, group: null, ephemeral: false, cancellationToken);
            active.Add(handle);
            SubscriptionLog.Subscribed(logger, appId, sub.PubSubName, sub.Topic, sub.Type);
        }

        foreach (var instance in instances.HealthyInstances(appId))
        {
            await SubscribeInstanceAsync(active, instance, cancellationToken);
        }

        if (_active.TryRemove(appId, out var previous))
        {
            _active[appId] = active;
            await previous.DisposeAsync();
            return;
        }

        _active[appId] = active;
    }

    /// <summary>One consumer per per-instance subscription of the app, named from the component's template.</summary>
    private async Task SubscribeInstanceAsync(AppSubscriptions active, AppInstance instance, CancellationToken cancellationToken)
    {
        if (active.PerInstance.Count == 0 || active.HasInstance(instance))
        {
            return;
        }

        var uuid = _instanceIds.GetOrAdd(instance, static _ => Guid.NewGuid().ToString());
        var channel = appChannel.ForInstance(instance);
        var handles = new List<ActiveConsumer>();
        foreach (var (sub, component) in active.PerInstance)
        {
            var template = component.ConsumerIdTemplate!;
            var group = ConsumerTemplate.Expand(template, instance.AppId, $"{instance.AppId}-{instance.AppPort}", uuid);
            handles.Add(await StartConsumerAsync(instance.AppId, sub, component, channel, group, ConsumerTemplate.IsEphemeral(template), cancellationToken));
            SubscriptionLog.SubscribedInstance(logger, instance.AppId, instance.AppPort, sub.PubSubName, sub.Topic, group);
        }

        active.AddInstance(instance, handles);
    }

    private async Task<ActiveConsumer> StartConsumerAsync(
        string appId, TopicSubscription sub, IPubSubComponent component, IAppChannel channel, string? group, bool ephemeral, CancellationToken cancellationToken)
    {
        var delivery = new TopicDelivery(appId, sub, channel, resiliency, publisher, time, logger);
        MessageHandler handler = delivery.HandleAsync;
        BulkTopicDelivery? bulkDelivery = null;
        if (sub.Bulk is { } bulk)
        {
            bulkDelivery = new BulkTopicDelivery(appId, sub, bulk, channel, resiliency, publisher, logger);
            handler = bulkDelivery.HandleAsync;
        }

        var subscription = new ComponentSubscription(appId, sub.Topic, handler, () => channel.IsAvailable(appId)) { ConsumerGroup = group, EphemeralGroup = ephemeral };
        var handle = await component.SubscribeAsync(subscription, cancellationToken);
        return new ActiveConsumer(delivery, handle, bulkDelivery);
    }

    private static SubscriptionInfo ToInfo(TopicSubscription sub)
    {
        var rules = sub.Rules.Select(r => (r.Match?.Text, r.Path)).ToList();
        if (sub.DefaultPath is not null)
        {
            rules.Add((null, sub.DefaultPath));
        }

        return new SubscriptionInfo(sub.PubSubName, sub.Topic, rules, sub.DeadLetterTopic, sub.Type);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var appId in _active.Keys)
        {
            if (_active.TryRemove(appId, out var active))
            {
                await active.DisposeAsync();
            }
        }
    }

    private sealed record ActiveConsumer(TopicDelivery Delivery, IAsyncDisposable Handle, IAsyncDisposable? Batcher) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // The component stops first so nothing new reaches a batcher that is shutting down.
            await Handle.DisposeAsync();
            if (Batcher is not null)
            {
                await Batcher.DisposeAsync();
            }
        }
    }

    /// <summary>An app's consumers: shared ones (replicas compete) and per-instance ones (each instance gets every message).</summary>
    private sealed class AppSubscriptions : IAsyncDisposable
    {
        private readonly List<ActiveConsumer> _shared = [];
        private readonly Dictionary<AppInstance, List<ActiveConsumer>> _byInstance = [];

        public List<(TopicSubscription Subscription, IPubSubComponent Component)> PerInstance { get; } = [];

        public IEnumerable<TopicSubscription> Subscriptions =>
            _shared.Select(c => c.Delivery.Subscription).Concat(PerInstance.Select(p => p.Subscription));

        public void Add(ActiveConsumer consumer) => _shared.Add(consumer);

        public void AddPerInstance(TopicSubscription subscription, IPubSubComponent component) => PerInstance.Add((subscription, component));

        public bool HasInstance(AppInstance instance) => _byInstance.ContainsKey(instance);

        public void AddInstance(AppInstance instance, List<ActiveConsumer> consumers) => _byInstance[instance] = consumers;

        public async Task RemoveInstanceAsync(AppInstance instance)
        {
            if (_byInstance.Remove(instance, out var consumers))
            {
                foreach (var consumer in consumers)
                {
                    await consumer.DisposeAsync();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var consumer in _shared.Concat(_byInstance.Values.SelectMany(list => list)))
            {
                await consumer.DisposeAsync();
            }
        }
    }
}
