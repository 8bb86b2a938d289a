using LocalDapr.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Metadata;

/// <summary>
/// Collects what daprd reports about one sidecar: app-id, components in scope, subscriptions (when the pub/sub
/// part is registered), HTTPEndpoints, extended metadata and how the sidecar reaches the app.
/// </summary>
public sealed class MetadataBuilder(IComponentRegistry components, ExtendedMetadataStore extended, IServiceProvider services)
{
    public const string RuntimeVersion = "local";

    private readonly ISubscriptionRegistry? _subscriptions = services.GetService<ISubscriptionRegistry>();
    private readonly IAppInstanceRegistry? _instances = services.GetService<IAppInstanceRegistry>();

    public MetadataResponse Build(SidecarApp app)
    {
        var subscriptions = _subscriptions?.SubscriptionsFor(app.AppId) ?? [];
        var appPort = _instances?.AllInstances(app.AppId).FirstOrDefault();
        return new MetadataResponse(
            app.AppId,
            RuntimeVersion,
            [],
            extended.For(app.AppId),
            components.ComponentsFor(app.AppId).Select(c => new MetadataComponent(c.Name, c.Type, c.Version, c.Capabilities)).ToArray(),
            app.Resources.HttpEndpoints.Select(e => new MetadataHttpEndpoint(e.Name)).ToArray(),
            subscriptions.Select(s => new MetadataSubscription(
                s.PubSubName,
                s.Topic,
                null,
                s.Rules.Select(r => new MetadataSubscriptionRule(r.Match, r.Path)).ToArray(),
                s.DeadLetterTopic,
                s.Type)).ToArray(),
            new MetadataAppConnection(appPort?.AppPort, app.AppProtocol, appPort?.Host ?? "127.0.0.1"));
    }
}
