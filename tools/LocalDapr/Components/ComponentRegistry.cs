using LocalDapr.Abstractions;
using LocalDapr.Resources;
using LocalDapr.Secrets;
using LocalDapr.State;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Components;

/// <summary>
/// Creates the state and secret stores of every app's Component resources at start-up (secret stores first, so
/// other components can use <c>secretKeyRef</c>). One store instance exists per component definition and is shared
/// by every app that has it in scope; each app sees it through its own <c>keyPrefix</c>. Types served by other parts
/// (<see cref="ComponentTypeClaim"/>, <c>pubsub.</c> always) are only listed; any other type stops start-up unless
/// the component sets <c>ignoreErrors: "true"</c>, as daprd fails on a component it cannot load.
/// </summary>
public sealed partial class ComponentRegistry(
    StateStoreFactory stateStores,
    IEnumerable<ComponentTypeClaim> claims,
    ILogger<ComponentRegistry> logger) : IComponentRegistry, IRuntimeInitializer, IAsyncDisposable
{
    private static readonly ComponentTypeClaim PubSubClaim = new("pubsub.");

    private readonly ComponentTypeClaim[] _claims = [PubSubClaim, .. claims];
    private readonly Dictionary<string, object> _instances = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, AppComponents> _apps = new Dictionary<string, AppComponents>();

    public int Order => 100;

    public IStateStore GetStateStore(string appId, string name) =>
        _apps.TryGetValue(appId, out var app) && app.StateStores.TryGetValue(name, out var store)
            ? store
            : throw new ComponentNotFoundException("state store", name);

    public ISecretStore GetSecretStore(string appId, string name) =>
        _apps.TryGetValue(appId, out var app) && app.SecretStores.TryGetValue(name, out var store)
            ? store
            : throw new ComponentNotFoundException("secret store", name);

    public IReadOnlyList<ComponentInfo> ComponentsFor(string appId) =>
        _apps.TryGetValue(appId, out var app) ? app.Infos : [];

    /// <summary>The app's actor state store (<c>actorStateStore: "true"</c>), if it has one.</summary>
    public IStateStore? ActorStateStoreFor(string appId) =>
        _apps.TryGetValue(appId, out var app) ? app.StateStores.Values.FirstOrDefault(s => s.IsActorStateStore) : null;

    public async Task InitializeAsync(IReadOnlyCollection<SidecarApp> apps, CancellationToken cancellationToken)
    {
        var loaded = apps.ToDictionary(a => a.AppId, _ => new AppComponents(), StringComparer.Ordinal);
        foreach (var app in apps)
        {
            CheckUniqueNames(app);
        }

        foreach (var app in apps)
        {
            foreach (var component in app.Resources.Components.Where(c => ComponentTypes.IsSecretStore(TypeOf(c))))
            {
                await LoadAsync(app, component, loaded[app.AppId], cancellationToken);
            }
        }

        foreach (var app in apps)
        {
            foreach (var component in app.Resources.Components.Where(c => !ComponentTypes.IsSecretStore(TypeOf(c))))
            {
                await LoadAsync(app, component, loaded[app.AppId], cancellationToken);
            }
        }

        _apps = loaded;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values.OfType<IAsyncDisposable>())
        {
            await instance.DisposeAsync();
        }

        _instances.Clear();
    }

    private async Task LoadAsync(SidecarApp app, DaprResource component, AppComponents into, CancellationToken cancellationToken)
    {
        var type = TypeOf(component);
        var version = component.Spec.GetString("version") ?? "v1";
        try
        {
            if (type.Length == 0)
            {
                throw Fail(component, "spec.type is missing");
            }

            if (ComponentTypes.IsSecretStore(type) && SecretStoreFactory.Supports(type))
            {
                CheckVersion(component, type, version);
                var store = await SharedAsync(component, async () =>
                    SecretStoreFactory.Create(type, await ComponentMetadataResolver.ResolveAsync(component, null, cancellationToken)));
                into.SecretStores[component.Name] = store;
                into.Infos.Add(new ComponentInfo(component.Name, type, version, ComponentTypes.SecretCapabilities(store is LocalFileSecretStore { MultiValued: true })));
            }
            else if (ComponentTypes.IsState(type) && StateStoreFactory.Supports(type))
            {
                CheckVersion(component, type, version);
                var metadata = await ComponentMetadataResolver.ResolveAsync(component, into.SecretStores.GetValueOrDefault, cancellationToken);
                var prefix = KeyPrefix.For(metadata, app.AppId);
                KeyPrefix.Validate(metadata, prefix);
                var store = await SharedAsync(component, () => stateStores.CreateAsync(type, metadata, cancellationToken));
                if (store.IsActorStateStore && into.StateStores.Values.FirstOrDefault(s => s.IsActorStateStore) is { } other)
                {
                    throw Fail(component, $"app '{app.AppId}' already has actor state store '{other.Name}'; only one component may set actorStateStore");
                }

                into.StateStores[component.Name] = prefix is null ? store : new PrefixedStateStore(store, prefix);
                into.Infos.Add(new ComponentInfo(component.Name, type, version, ComponentTypes.StateCapabilities(store.IsActorStateStore)));
            }
            else if (_claims.Any(c => c.Covers(type)))
            {
                into.Infos.Add(new ComponentInfo(component.Name, type, version, []));
            }
            else
            {
                throw Fail(component, $"component type '{type}' is not supported by the local runtime");
            }

            LogLoaded(app.AppId, component.Name, type);
        }
        catch (Exception ex) when (IgnoreErrors(component) && ex is not OperationCanceledException)
        {
            LogIgnored(app.AppId, component.Name, type, component.SourcePath, ex.Message);
        }
        catch (Exception ex) when (ex is not ResourceException and not OperationCanceledException)
        {
            // Connection and I/O failures also stop start-up, with the component named.
            throw Fail(component, $"initialisation failed: {ex.Message}");
        }
    }

    private async Task<T> SharedAsync<T>(DaprResource component, Func<Task<T>> create)
        where T : class
    {
        var key = component.SourcePath + "#" + component.Name;
        if (_instances.TryGetValue(key, out var existing))
        {
            return (T)existing;
        }

        var created = await create();
        _instances[key] = created;
        return created;
    }

    private static void CheckUniqueNames(SidecarApp app)
    {
        var duplicate = app.Resources.Components.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ResourceException($"component '{duplicate.Key}' is defined more than once for app '{app.AppId}': {string.Join(", ", duplicate.Select(c => c.SourcePath))}");
        }
    }

    private static void CheckVersion(DaprResource component, string type, string version)
    {
        if (version != "v1")
        {
            throw Fail(component, $"version '{version}' of component type '{type}' is not supported by the local runtime (only v1)");
        }
    }

    private static string TypeOf(DaprResource component) => component.Spec.GetString("type") ?? string.Empty;

    private static bool IgnoreErrors(DaprResource component) =>
        string.Equals(component.Spec.GetString("ignoreErrors"), "true", StringComparison.OrdinalIgnoreCase);

    private static ResourceException Fail(DaprResource component, string problem) =>
        new($"{component.SourcePath}: component '{component.Name}' ({TypeOf(component)}): {problem}");

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: loaded component {Component} ({Type})")]
    private partial void LogLoaded(string appId, string component, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: component {Component} ({Type}) from {File} failed and is skipped (ignoreErrors): {Error}")]
    private partial void LogIgnored(string appId, string component, string type, string file, string error);

    private sealed class AppComponents
    {
        public Dictionary<string, IStateStore> StateStores { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, ISecretStore> SecretStores { get; } = new(StringComparer.Ordinal);
        public List<ComponentInfo> Infos { get; } = [];
    }
}
