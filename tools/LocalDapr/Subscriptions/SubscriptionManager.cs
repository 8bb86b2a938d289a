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
/// restart never doubles deliveries.
/// </summary>
public sealed class SubscriptionManager(
    ISidecarResolver sidecars,
    IPubSubComponentRegistry components,
    IAppChannel appChannel,
    IResiliencyProvider resiliency,
    EventPublisher publisher,
    TimeProvider time,
    ILogger<SubscriptionManager> logger)
    : IAppReadyListener, ISubscriptionRegistry, IRuntimeInitializer, IAsyncDisposable
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
            ? active.Deliveries.Select(d => ToInfo(d.Subscription)).ToArray()
            : [];

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

    private async Task SubscribeAsync(string appId, List<TopicSubscription> subscriptions, CancellationToken cancellationToken)
    {
        if (_active.TryRemove(appId, out var previous))
        {
            await previous.DisposeAsync();
        }

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

            var delivery = new TopicDelivery(appId, sub, appChannel, resiliency, publisher, time, logger);
            MessageHandler handler = delivery.HandleAsync;
            BulkTopicDelivery? bulkDelivery = null;
            if (sub.Bulk is { } bulk)
            {
                bulkDelivery = new BulkTopicDelivery(appId, sub, bulk, appChannel, resiliency, publisher, logger);
                handler = bulkDelivery.HandleAsync;
            }

            var handle = await component.SubscribeAsync(new ComponentSubscription(appId, sub.Topic, handler, () => appChannel.IsAvailable(appId)), cancellationToken);
            active.Add(delivery, handle, bulkDelivery);
            SubscriptionLog.Subscribed(logger, appId, sub.PubSubName, sub.Topic, sub.Type);
        }

        _active[appId] = active;
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

    private sealed class AppSubscriptions : IAsyncDisposable
    {
        private readonly List<(TopicDelivery Delivery, IAsyncDisposable Handle, IAsyncDisposable? Batcher)> _items = [];

        public IEnumerable<TopicDelivery> Deliveries => _items.Select(i => i.Delivery);

        public void Add(TopicDelivery delivery, IAsyncDisposable handle, IAsyncDisposable? batcher) => _items.Add((delivery, handle, batcher));

        public async ValueTask DisposeAsync()
        {
            // The component stops first so nothing new reaches a batcher that is shutting down.
            foreach (var (_, handle, batcher) in _items)
            {
                await handle.DisposeAsync();
                if (batcher is not null)
                {
                    await batcher.DisposeAsync();
                }
            }
        }
    }
}
