using System.Collections.Concurrent;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using LocalDapr.PubSub.InMemory;
using LocalDapr.PubSub.Redis;
using LocalDapr.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalDapr.PubSub;

/// <summary>
/// Creates the pub/sub components of every app from its Component resources at start-up (order 200, after the
/// secret stores). Apps that load the same component definition share one instance, so <c>pubsub.in-memory</c>
/// is one broker per component for the whole runtime. Unknown <c>pubsub.*</c> types and missing required fields
/// stop start-up with the file named.
/// </summary>
public sealed class PubSubComponentRegistry(IServiceProvider services, ILoggerFactory loggerFactory)
    : IPubSubComponentRegistry, IRuntimeInitializer, IAsyncDisposable
{
    public static readonly IReadOnlyList<string> SupportedTypes = [InMemoryPubSub.ComponentType, RedisStreamsPubSub.ComponentType];

    private readonly ConcurrentDictionary<string, IPubSubComponent> _shared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, IPubSubComponent>> _byApp = new(StringComparer.Ordinal);

    public int Order => 200;

    public IPubSubComponent Get(string appId, string name) =>
        _byApp.TryGetValue(appId, out var components) && components.TryGetValue(name, out var component)
            ? component
            : throw new ComponentNotFoundException("pubsub", name);

    public IReadOnlyList<IPubSubComponent> ComponentsFor(string appId) =>
        _byApp.TryGetValue(appId, out var components) ? components.Values.ToArray() : [];

    public async Task InitializeAsync(IReadOnlyCollection<SidecarApp> apps, CancellationToken cancellationToken)
    {
        foreach (var app in apps)
        {
            await InitializeAppAsync(app, cancellationToken);
        }
    }

    /// <summary>Adds (or replaces) the components of one app; also usable for an app added after start-up.</summary>
    public async Task InitializeAppAsync(SidecarApp app, CancellationToken cancellationToken)
    {
        var components = new Dictionary<string, IPubSubComponent>(StringComparer.Ordinal);
        foreach (var resource in app.Resources.Components.Where(r => r.AppliesTo(app.AppId)))
        {
            var type = resource.Spec.GetString("type");
            if (type is null || !type.StartsWith("pubsub.", StringComparison.Ordinal))
            {
                continue;
            }

            if (!SupportedTypes.Contains(type))
            {
                throw new ResourceException($"{resource.SourcePath}: component '{resource.Name}' has unsupported type '{type}' (supported pub/sub types: {string.Join(", ", SupportedTypes)})");
            }

            var metadata = await ComponentMetadataResolver.ResolveAsync(resource, SecretStoresOf(app.AppId), cancellationToken);
            var key = $"{resource.Name}\n{type}\n{string.Join("\n", metadata.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
            if (!_shared.TryGetValue(key, out var component))
            {
                component = await CreateAsync(resource, type, metadata);
                component = _shared.GetOrAdd(key, component);
            }

            components[resource.Name] = component;
        }

        _byApp[app.AppId] = components;
    }

    private Func<string, ISecretStore?> SecretStoresOf(string appId) => name =>
    {
        try
        {
            return services.GetService<IComponentRegistry>()?.GetSecretStore(appId, name);
        }
        catch (ComponentNotFoundException)
        {
            return null;
        }
    };

    private async Task<IPubSubComponent> CreateAsync(DaprResource resource, string type, ComponentMetadata metadata)
    {
        switch (type)
        {
            case InMemoryPubSub.ComponentType:
                return new InMemoryPubSub(resource.Name, loggerFactory.CreateLogger<InMemoryPubSub>(), ConsumerTemplate.From(metadata));
            default:
                var options = RedisStreamsOptions.From(metadata);
                try
                {
                    return await RedisStreamsPubSub.ConnectAsync(resource.Name, options, loggerFactory);
                }
                catch (StackExchange.Redis.RedisConnectionException ex)
                {
                    throw metadata.Error($"cannot connect to redisHost '{metadata.Get("redisHost")}': {ex.Message}");
                }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var component in _shared.Values)
        {
            await component.DisposeAsync();
        }

        _shared.Clear();
        _byApp.Clear();
    }
}
